package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code cluster.v3.OutlierDetection}, each field with Envoy's default when unset. Percentages are 0-100.
 */
public record OutlierDetectionSpec(int consecutive5xx, int consecutiveGatewayFailure,
                                   int consecutiveLocalOriginFailure, Duration interval, Duration baseEjectionTime,
                                   Duration maxEjectionTime, int maxEjectionPercent, int enforcingConsecutive5xx,
                                   int enforcingConsecutiveGatewayFailure,
                                   int enforcingConsecutiveLocalOriginFailure, int enforcingSuccessRate,
                                   boolean splitExternalLocalOriginErrors) {
    public static final OutlierDetectionSpec ENVOY_DEFAULTS = new OutlierDetectionSpec(5, 5, 5, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(300), 10, 100, 0, 100, 100, false);

    public OutlierDetectionSpec {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
    }
}
