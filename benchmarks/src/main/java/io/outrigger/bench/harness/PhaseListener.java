package io.outrigger.bench.harness;

/**
 * Told when a run's measured period starts and ends, on the runner's thread, so a caller can sample
 * something over exactly that period (the side-by-side runner reads each proxy's CPU time).
 */
public interface PhaseListener {

    PhaseListener NONE = new PhaseListener() {
    };

    default void measureStarted() {
    }

    default void measureEnded() {
    }
}
