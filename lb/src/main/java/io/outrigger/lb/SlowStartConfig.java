package io.outrigger.lb;

import java.time.Duration;
import java.util.Objects;

/**
 * Envoy's {@code SlowStartConfig}: a host that just joined gets a weight that ramps up over
 * {@code window}: {@code weight × max(minWeightPercent/100, (elapsed/window)^(1/aggression))}.
 *
 * @param window {@code slow_start_window}
 * @param aggression {@code aggression} (default 1.0: linear)
 * @param minWeightPercent {@code min_weight_percent} (default 10)
 */
public record SlowStartConfig(Duration window, double aggression, double minWeightPercent) {
    public SlowStartConfig {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window: " + window + " (expected: > 0)");
        }
        if (!(aggression > 0) || Double.isInfinite(aggression)) {
            throw new IllegalArgumentException("aggression: " + aggression + " (expected: finite, > 0)");
        }
        if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
            throw new IllegalArgumentException("minWeightPercent: " + minWeightPercent + " (expected: 0-100)");
        }
    }

    /** A linear ramp over {@code window} starting at 10% (Envoy's defaults). */
    public static SlowStartConfig of(Duration window) {
        return new SlowStartConfig(window, 1.0, 10.0);
    }
}
