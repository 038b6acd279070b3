package io.outrigger.lb;

import java.time.Duration;
import java.util.Objects;

/**
 * Envoy's {@code cluster.v3.OutlierDetection}, with Envoy's defaults in {@link #envoyDefaults()}.
 * Percentages are integers 0..100; {@code successRateStdevFactor} is in thousandths (1900 = 1.9).
 */
public record OutlierDetectionConfig(
        int consecutive5xx,
        int consecutiveGatewayFailure,
        int consecutiveLocalOriginFailure,
        Duration interval,
        Duration baseEjectionTime,
        Duration maxEjectionTime,
        int maxEjectionPercent,
        int enforcingConsecutive5xx,
        int enforcingConsecutiveGatewayFailure,
        int enforcingConsecutiveLocalOriginFailure,
        int enforcingSuccessRate,
        int successRateMinimumHosts,
        int successRateRequestVolume,
        int successRateStdevFactor,
        int failurePercentageThreshold,
        int enforcingFailurePercentage,
        int failurePercentageMinimumHosts,
        int failurePercentageRequestVolume,
        boolean splitExternalLocalOriginErrors) {

    public OutlierDetectionConfig {
        positive("consecutive5xx", consecutive5xx);
        positive("consecutiveGatewayFailure", consecutiveGatewayFailure);
        positive("consecutiveLocalOriginFailure", consecutiveLocalOriginFailure);
        duration("interval", interval);
        duration("baseEjectionTime", baseEjectionTime);
        duration("maxEjectionTime", maxEjectionTime);
        percent("maxEjectionPercent", maxEjectionPercent);
        percent("enforcingConsecutive5xx", enforcingConsecutive5xx);
        percent("enforcingConsecutiveGatewayFailure", enforcingConsecutiveGatewayFailure);
        percent("enforcingConsecutiveLocalOriginFailure", enforcingConsecutiveLocalOriginFailure);
        percent("enforcingSuccessRate", enforcingSuccessRate);
        percent("failurePercentageThreshold", failurePercentageThreshold);
        percent("enforcingFailurePercentage", enforcingFailurePercentage);
        positive("successRateMinimumHosts", successRateMinimumHosts);
        positive("successRateRequestVolume", successRateRequestVolume);
        if (successRateStdevFactor < 0) {
            throw new IllegalArgumentException("successRateStdevFactor: " + successRateStdevFactor + " (expected: >= 0)");
        }
        positive("failurePercentageMinimumHosts", failurePercentageMinimumHosts);
        positive("failurePercentageRequestVolume", failurePercentageRequestVolume);
    }

    /** Envoy's defaults when {@code outlier_detection} is present with no fields set. */
    public static OutlierDetectionConfig envoyDefaults() {
        return new OutlierDetectionConfig(5, 5, 5, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(300), 10, 100, 0, 100, 100, 5, 100, 1900, 85, 0, 5, 50, false);
    }

    /**
     * What we apply when a cluster configures NO outlier detection. Envoy then does nothing, so a
     * pod that died without leaving EDS yet keeps receiving its share of connections, each failing
     * (the istio#12961 trap). We instead eject a host after 5 consecutive connection failures
     * (local-origin: connect refused / timeout / reset before a response) for 30 s, doubling per
     * repeat up to 300 s; HTTP responses never eject. Up to 100% of hosts may be ejected: if too
     * many are, the panic threshold spreads traffic over all hosts again, as Envoy does.
     */
    public static OutlierDetectionConfig whenUnset() {
        return new OutlierDetectionConfig(5, 5, 5, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(300), 100, 0, 0, 100, 0, 5, 100, 1900, 85, 0, 5, 50, true);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: >= 1)");
        }
    }

    private static void percent(String name, int v) {
        if (v < 0 || v > 100) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: 0-100)");
        }
    }

    private static void duration(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }
}
