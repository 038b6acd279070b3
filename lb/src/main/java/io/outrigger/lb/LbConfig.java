package io.outrigger.lb;

import java.util.Objects;

/**
 * How one cluster balances load: the endpoint-picking policy plus the parts of Envoy's
 * {@code Cluster.common_lb_config} and per-policy configs that change picking.
 *
 * <p>Defaults are Envoy's: panic threshold 50%, {@code choice_count} 2, {@code active_request_bias}
 * 1.0, ring size 1024..8M, Maglev table 65537, neither locality-weighted nor zone-aware.
 *
 * @param policy the endpoint picker
 * @param healthyPanicThreshold percent 0..100 ({@code healthy_panic_threshold}); 0 disables panic
 * @param choiceCount LEAST_REQUEST candidates per pick ({@code choice_count}, >= 2)
 * @param activeRequestBias LEAST_REQUEST exponent for weighted hosts ({@code active_request_bias}, >= 0)
 * @param minimumRingSize RING_HASH {@code minimum_ring_size}
 * @param maximumRingSize RING_HASH {@code maximum_ring_size}
 * @param maglevTableSize MAGLEV {@code table_size}, a prime
 * @param localityWeighted {@code locality_weighted_lb_config} is set
 * @param zoneAware {@code zone_aware_lb_config}, or {@code null} for none
 * @param slowStart {@code slow_start_config} of ROUND_ROBIN / LEAST_REQUEST, or {@code null}
 */
public record LbConfig(
        LbPolicy policy,
        double healthyPanicThreshold,
        int choiceCount,
        double activeRequestBias,
        long minimumRingSize,
        long maximumRingSize,
        int maglevTableSize,
        boolean localityWeighted,
        ZoneAwareConfig zoneAware,
        SlowStartConfig slowStart) {

    /** Envoy's default {@code healthy_panic_threshold}: 50%. */
    public static final double DEFAULT_PANIC_THRESHOLD = 50.0;
    /** Envoy's default {@code choice_count}. */
    public static final int DEFAULT_CHOICE_COUNT = 2;
    /** Envoy's default {@code minimum_ring_size}. */
    public static final long DEFAULT_MIN_RING_SIZE = 1024;
    /** Envoy's default {@code maximum_ring_size}: 8M. */
    public static final long DEFAULT_MAX_RING_SIZE = 8L * 1024 * 1024;
    /** Envoy's default Maglev {@code table_size}. */
    public static final int DEFAULT_MAGLEV_TABLE_SIZE = 65537;
    /** Envoy's upper bound for ring sizes. */
    static final long RING_SIZE_LIMIT = 8L * 1024 * 1024;
    /** Envoy's upper bound for the Maglev table. */
    static final int MAGLEV_TABLE_SIZE_LIMIT = 5_000_011;

    public LbConfig {
        Objects.requireNonNull(policy, "policy");
        if (!(healthyPanicThreshold >= 0 && healthyPanicThreshold <= 100)) {
            throw new IllegalArgumentException(
                    "healthyPanicThreshold: " + healthyPanicThreshold + " (expected: 0-100)");
        }
        if (choiceCount < 2) {
            throw new IllegalArgumentException("choiceCount: " + choiceCount + " (expected: >= 2)");
        }
        if (!(activeRequestBias >= 0) || Double.isInfinite(activeRequestBias)) {
            throw new IllegalArgumentException(
                    "activeRequestBias: " + activeRequestBias + " (expected: finite, >= 0)");
        }
        if (minimumRingSize < 1 || minimumRingSize > RING_SIZE_LIMIT) {
            throw new IllegalArgumentException(
                    "minimumRingSize: " + minimumRingSize + " (expected: 1-" + RING_SIZE_LIMIT + ")");
        }
        if (maximumRingSize < minimumRingSize || maximumRingSize > RING_SIZE_LIMIT) {
            throw new IllegalArgumentException("maximumRingSize: " + maximumRingSize
                    + " (expected: " + minimumRingSize + "-" + RING_SIZE_LIMIT + ")");
        }
        if (maglevTableSize < 2 || maglevTableSize > MAGLEV_TABLE_SIZE_LIMIT || !isPrime(maglevTableSize)) {
            throw new IllegalArgumentException("maglevTableSize: " + maglevTableSize
                    + " (expected: a prime <= " + MAGLEV_TABLE_SIZE_LIMIT + ")");
        }
        if (localityWeighted && zoneAware != null) {
            throw new IllegalArgumentException("localityWeighted and zoneAware are both set"
                    + " (expected: one of them, like Envoy's locality_config_specifier oneof)");
        }
    }

    /** The policy with every other setting at Envoy's default. */
    public static LbConfig of(LbPolicy policy) {
        return new LbConfig(policy, DEFAULT_PANIC_THRESHOLD, DEFAULT_CHOICE_COUNT, 1.0,
                DEFAULT_MIN_RING_SIZE, DEFAULT_MAX_RING_SIZE, DEFAULT_MAGLEV_TABLE_SIZE, false, null, null);
    }

    public LbConfig withHealthyPanicThreshold(double percent) {
        return new LbConfig(policy, percent, choiceCount, activeRequestBias, minimumRingSize,
                maximumRingSize, maglevTableSize, localityWeighted, zoneAware, slowStart);
    }

    public LbConfig withLeastRequest(int choices, double bias) {
        return new LbConfig(policy, healthyPanicThreshold, choices, bias, minimumRingSize,
                maximumRingSize, maglevTableSize, localityWeighted, zoneAware, slowStart);
    }

    public LbConfig withRingSize(long minimum, long maximum) {
        return new LbConfig(policy, healthyPanicThreshold, choiceCount, activeRequestBias, minimum,
                maximum, maglevTableSize, localityWeighted, zoneAware, slowStart);
    }

    public LbConfig withMaglevTableSize(int size) {
        return new LbConfig(policy, healthyPanicThreshold, choiceCount, activeRequestBias, minimumRingSize,
                maximumRingSize, size, localityWeighted, zoneAware, slowStart);
    }

    public LbConfig withLocalityWeighted(boolean enabled) {
        return new LbConfig(policy, healthyPanicThreshold, choiceCount, activeRequestBias, minimumRingSize,
                maximumRingSize, maglevTableSize, enabled, zoneAware, slowStart);
    }

    public LbConfig withZoneAware(ZoneAwareConfig config) {
        return new LbConfig(policy, healthyPanicThreshold, choiceCount, activeRequestBias, minimumRingSize,
                maximumRingSize, maglevTableSize, localityWeighted, config, slowStart);
    }

    public LbConfig withSlowStart(SlowStartConfig config) {
        return new LbConfig(policy, healthyPanicThreshold, choiceCount, activeRequestBias, minimumRingSize,
                maximumRingSize, maglevTableSize, localityWeighted, zoneAware, config);
    }

    /** True for the policies that pick by the request's hash. */
    public boolean hashBased() {
        return policy == LbPolicy.RING_HASH || policy == LbPolicy.MAGLEV;
    }

    private static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
