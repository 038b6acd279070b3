package io.outrigger.lb;

import java.util.random.RandomGenerator;

/**
 * Locality-weighted choice ({@code locality_weighted_lb_config}): locality i is chosen in proportion
 * to {@code weight(i) × min(1, overprovisioning × eligible(i) / hosts(i))}, Envoy's effective
 * locality weight, in a smooth precomputed order (Envoy uses an EDF scheduler here too). Localities
 * with weight 0 or no eligible host are never chosen. Availability is kept to 1/1000.
 */
final class LocalityChooser {
    private final int[] schedule;
    private final StripedCounter next;

    private LocalityChooser(int[] schedule, RandomGenerator random) {
        this.schedule = schedule;
        this.next = new StripedCounter(schedule.length, random);
    }

    /**
     * @param degraded choose by degraded hosts instead of healthy ones
     * @return the chooser, or {@code null} when no locality is eligible (Envoy then falls back to
     *         the whole priority)
     */
    static LocalityChooser of(HostSet.LocalitySet[] localities, boolean degraded, int overprovisioningFactor,
                              RandomGenerator random) {
        long[] weights = effectiveWeights(localities, degraded, overprovisioningFactor);
        int[] schedule = SmoothSchedule.build(weights);
        return schedule.length == 0 ? null : new LocalityChooser(schedule, random);
    }

    /** Envoy's effective locality weights, availability in thousandths. */
    static long[] effectiveWeights(HostSet.LocalitySet[] localities, boolean degraded, int overprovisioningFactor) {
        long[] weights = new long[localities.length];
        for (int i = 0; i < localities.length; i++) {
            HostSet.LocalitySet l = localities[i];
            int eligible = degraded ? l.degraded.length : l.healthy.length;
            if (l.all.length == 0 || l.weight == 0) {
                continue;
            }
            long availability = Math.min(1000, (long) overprovisioningFactor * eligible * 10 / l.all.length);
            weights[i] = l.weight * availability;
        }
        return weights;
    }

    int pick() {
        return schedule[next.next(schedule.length)];
    }
}
