package io.outrigger.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(500);
    private static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void eachFailureDoublesTheCeilingAndTheDelayStaysInItsUpperHalf() {
        Backoff b = new Backoff(BASE, MAX, RandomGenerator.of("L64X128MixRandom"));
        long ceiling = BASE.toMillis();
        for (int i = 0; i < 6; i++) {
            Duration d = b.next();
            assertThat(d.toMillis()).as("attempt %d", i).isBetween(ceiling / 2, ceiling);
            ceiling *= 2;
        }
    }

    @Test
    void theDelayNeverExceedsTheMaximum() {
        Backoff b = new Backoff(BASE, MAX, RandomGenerator.of("L64X128MixRandom"));
        for (int i = 0; i < 200; i++) {
            assertThat(b.next()).isLessThanOrEqualTo(MAX);
        }
        assertThat(b.next()).isGreaterThanOrEqualTo(MAX.dividedBy(2));
    }

    @Test
    void aHealthyStreamStartsTheSequenceOver() {
        Backoff b = new Backoff(BASE, MAX, RandomGenerator.of("L64X128MixRandom"));
        for (int i = 0; i < 10; i++) {
            b.next();
        }
        b.reset();
        assertThat(b.next()).isLessThanOrEqualTo(BASE);
    }

    @Test
    void jitterSpreadsProxiesThatFailTogether() {
        RandomGenerator seeds = RandomGenerator.of("L64X128MixRandom");
        java.util.Set<Duration> firstDelays = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            firstDelays.add(new Backoff(BASE, MAX, new java.util.SplittableRandom(seeds.nextLong())).next());
        }
        assertThat(firstDelays).hasSizeGreaterThan(40);
    }

    @Test
    void rejectsAMaximumBelowTheBase() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new java.util.Random(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max: PT1S (expected: >= base PT2S)");
    }
}
