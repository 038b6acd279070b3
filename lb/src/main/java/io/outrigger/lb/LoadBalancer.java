package io.outrigger.lb;

/**
 * Chooses a host for one connection or request. Built once per membership update and published by
 * reference; {@link #pick} runs on event loops, so it takes no lock and allocates nothing.
 */
public interface LoadBalancer {
    /**
     * Picks a host.
     *
     * @param hash the request's hash key for RING_HASH and MAGLEV; ignored by the other policies
     * @return the host, or {@code null} when no host may serve (an empty cluster, or a Locality
     *         policy with nothing in the caller's locality)
     */
    Host pick(long hash);

    /**
     * Reports that a request to {@code host} (returned by {@link #pick}) started, for LEAST_REQUEST
     * and circuit accounting. Lock-free; a host the balancer does not know is ignored.
     */
    default void requestStarted(Host host) {
    }

    /** Reports that a request reported by {@link #requestStarted} finished, successfully or not. */
    default void requestFinished(Host host) {
    }
}
