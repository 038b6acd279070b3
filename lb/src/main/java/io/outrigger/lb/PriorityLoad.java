package io.outrigger.lb;

import java.util.Arrays;

/**
 * Envoy's split of traffic between priorities ({@code LoadBalancerBase::recalculatePerPriorityState}
 * and {@code recalculatePerPriorityPanic}), in integer percent exactly as Envoy rounds them.
 *
 * <ul>
 *   <li>health(P) = min(100, overprovisioning% × healthy / total), degraded(P) likewise;</li>
 *   <li>the 100% of load goes to priorities in order, each taking at most its health scaled by
 *       the normalized total availability min(100, Σ health + Σ degraded); what is left goes to
 *       degraded hosts the same way; rounding leftovers go to the first available priority;</li>
 *   <li>a priority is in panic when (healthy + degraded) / total < the panic threshold; when all
 *       are in panic, load is split by host count ("total panic").</li>
 * </ul>
 *
 * @param healthyLoad percent of requests for the healthy hosts of each priority
 * @param degradedLoad percent of requests for the degraded hosts of each priority
 * @param panic whether each priority is in panic (pick among all its hosts)
 * @param health each priority's health percent (after overprovisioning, capped at 100)
 * @param degraded each priority's degraded availability percent
 */
record PriorityLoad(int[] healthyLoad, int[] degradedLoad, boolean[] panic, int[] health, int[] degraded) {

    /**
     * Computes the split.
     *
     * @param total hosts (or host weight) per priority
     * @param healthy healthy hosts (or weight) per priority
     * @param degradedCount degraded hosts (or weight) per priority
     * @param overprovisioningFactor percent (140 = 1.4)
     * @param panicThreshold percent; 0 disables panic
     */
    static PriorityLoad compute(long[] total, long[] healthy, long[] degradedCount,
                                int overprovisioningFactor, double panicThreshold) {
        int n = total.length;
        int[] health = new int[n];
        int[] degraded = new int[n];
        for (int p = 0; p < n; p++) {
            if (total[p] > 0) {
                health[p] = (int) Math.min(100, overprovisioningFactor * healthy[p] / total[p]);
                degraded[p] = (int) Math.min(100, overprovisioningFactor * degradedCount[p] / total[p]);
            }
        }
        int[] healthyLoad = new int[n];
        int[] degradedLoad = new int[n];
        int normalized = normalizedTotalAvailability(health, degraded);
        if (normalized > 0) {
            int firstHealthy = -1;
            int remaining = 100;
            for (int p = 0; p < n; p++) {
                if (firstHealthy < 0 && health[p] > 0) {
                    firstHealthy = p;
                }
                healthyLoad[p] = Math.min(remaining, health[p] * 100 / normalized);
                remaining -= healthyLoad[p];
            }
            int firstDegraded = -1;
            for (int p = 0; p < n; p++) {
                if (firstDegraded < 0 && degraded[p] > 0) {
                    firstDegraded = p;
                }
                degradedLoad[p] = Math.min(remaining, degraded[p] * 100 / normalized);
                remaining -= degradedLoad[p];
            }
            if (remaining != 0) {
                if (firstHealthy >= 0) {
                    healthyLoad[firstHealthy] += remaining;
                } else {
                    degradedLoad[firstDegraded] += remaining;
                }
            }
        }

        boolean[] panic = new boolean[n];
        if (n == 0) {
            return new PriorityLoad(healthyLoad, degradedLoad, panic, health, degraded);
        }
        if (panicThreshold == 0 && normalized == 0) {
            // Panic disabled and nothing available: Envoy still needs loads summing to 100.
            healthyLoad[0] = 100;
            return new PriorityLoad(healthyLoad, degradedLoad, panic, health, degraded);
        }
        boolean all = true;
        for (int p = 0; p < n; p++) {
            panic[p] = normalized == 0 || inPanic(total[p], healthy[p], degradedCount[p], panicThreshold);
            all &= panic[p];
        }
        if (all) {
            totalPanic(total, healthyLoad, degradedLoad);
        }
        return new PriorityLoad(healthyLoad, degradedLoad, panic, health, degraded);
    }

    /** Envoy's {@code isHostSetInPanic}: below the threshold of healthy + degraded hosts. */
    static boolean inPanic(long total, long healthy, long degraded, double panicThreshold) {
        double healthyPercent = total == 0 ? 0 : 100.0 * healthy / total;
        double degradedPercent = total == 0 ? 0 : 100.0 * degraded / total;
        return healthyPercent + degradedPercent < Math.min(100, panicThreshold);
    }

    private static int normalizedTotalAvailability(int[] health, int[] degraded) {
        long sum = 0;
        for (int p = 0; p < health.length; p++) {
            sum += health[p] + degraded[p];
        }
        return (int) Math.min(100, sum);
    }

    /** Envoy's {@code recalculateLoadInTotalPanic}: split by host count, ignoring health. */
    private static void totalPanic(long[] total, int[] healthyLoad, int[] degradedLoad) {
        long hosts = 0;
        for (long t : total) {
            hosts += t;
        }
        Arrays.fill(degradedLoad, 0);
        if (hosts == 0) {
            Arrays.fill(healthyLoad, 0);
            healthyLoad[0] = 100;
            return;
        }
        int remaining = 100;
        int firstNonEmpty = -1;
        for (int p = 0; p < total.length; p++) {
            if (firstNonEmpty < 0 && total[p] != 0) {
                firstNonEmpty = p;
            }
            healthyLoad[p] = (int) (100 * total[p] / hosts);
            remaining -= healthyLoad[p];
        }
        healthyLoad[firstNonEmpty] += remaining;
    }

    /** The percent of load on priority {@code p}, healthy and degraded together. */
    int load(int p) {
        return healthyLoad[p] + degradedLoad[p];
    }

    @Override
    public String toString() {
        return "PriorityLoad[healthy=" + Arrays.toString(healthyLoad) + ", degraded="
                + Arrays.toString(degradedLoad) + ", panic=" + Arrays.toString(panic) + "]";
    }
}
