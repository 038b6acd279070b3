package io.outrigger.lb;

import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Envoy's zone-aware routing for priority 0 ({@code ZoneAwareLoadBalancerBase}): percentages are in
 * 1/10000. If the caller's zone holds at least as large a share of the upstream's healthy hosts as
 * of the callers, everything stays local ("all directly"); otherwise {@code upstream% / local%} of
 * requests stay local and the rest go to other zones in proportion to their residual capacity
 * {@code upstream% - local%}.
 */
final class ZoneRouting {
    private final boolean direct;
    /** Share of requests kept local, in 1/10000. */
    final long localPercentToRoute;
    /** Running sums of residual capacity per upstream locality (index 0 = caller's locality). */
    private final long[] residualCapacity;
    private final long routingEnabledBasisPoints;

    private ZoneRouting(boolean direct, long localPercentToRoute, long[] residualCapacity, double routingEnabled) {
        this.direct = direct;
        this.localPercentToRoute = localPercentToRoute;
        this.residualCapacity = residualCapacity;
        this.routingEnabledBasisPoints = Math.round(routingEnabled * 100);
    }

    /**
     * The routing state, or {@code null} when zone-aware routing cannot run (Envoy's
     * {@code earlyExitNonLocalityRouting}); the reason is counted in {@code stats}.
     */
    static ZoneRouting of(HostSet upstream, HostSet local, ZoneAwareConfig config, double panicThreshold,
                          LbStats stats) {
        int n = upstream.localities.length;
        if (n < 2) {
            return null;
        }
        if (!upstream.hasLocalLocality || upstream.localities[0].healthy.length == 0
                || PriorityLoad.inPanic(local.all.length, local.healthy.length, local.degraded.length,
                        panicThreshold)) {
            stats.localClusterNotOk.increment();
            return null;
        }
        if (upstream.healthy.length < config.minClusterSize()) {
            stats.zoneClusterTooSmall.increment();
            return null;
        }
        Map<Locality, Long> localCounts = new HashMap<>();
        long totalLocal = 0;
        for (HostSet.LocalitySet l : local.localities) {
            localCounts.merge(l.locality, (long) l.healthy.length, Long::sum);
            totalLocal += l.healthy.length;
        }
        long totalUpstream = upstream.healthy.length;
        long[] localPct = new long[n];
        long[] upstreamPct = new long[n];
        for (int i = 0; i < n; i++) {
            HostSet.LocalitySet l = upstream.localities[i];
            if (l.healthy.length == 0) {
                continue;
            }
            long localCount = localCounts.getOrDefault(l.locality, 0L);
            localPct[i] = totalLocal > 0 ? 10000 * localCount / totalLocal : 0;
            upstreamPct[i] = totalUpstream > 0 ? 10000L * l.healthy.length / totalUpstream : 0;
        }
        if (upstreamPct[0] > 0 && upstreamPct[0] >= localPct[0]) {
            return new ZoneRouting(true, 10000, null, config.routingEnabled());
        }
        long localToRoute = localPct[0] > 0 ? upstreamPct[0] * 10000 / localPct[0] : 0;
        long[] residual = new long[n];
        for (int i = 0; i < n; i++) {
            long last = i > 0 ? residual[i - 1] : 0;
            if (i == 0) {
                residual[i] = last; // the caller's zone already took what it could
            } else if (upstreamPct[i] > localPct[i]) {
                residual[i] = last + upstreamPct[i] - localPct[i];
            } else {
                residual[i] = last;
            }
        }
        return new ZoneRouting(false, localToRoute, residual, config.routingEnabled());
    }

    /** True when this request should go through zone-aware routing ({@code routing_enabled}). */
    boolean enabled(RandomGenerator random) {
        return routingEnabledBasisPoints >= 10000
                || Long.remainderUnsigned(random.nextLong(), 10000) < routingEnabledBasisPoints;
    }

    /** The upstream locality index for one request. */
    int chooseLocality(RandomGenerator random, LbStats stats) {
        if (direct) {
            stats.zoneRoutingAllDirectly.increment();
            return 0;
        }
        if (Long.remainderUnsigned(random.nextLong(), 10000) < localPercentToRoute) {
            stats.zoneRoutingSampled.increment();
            return 0;
        }
        stats.zoneRoutingCrossZone.increment();
        int n = residualCapacity.length;
        long total = residualCapacity[n - 1];
        if (total == 0) {
            // Only through rounding: Envoy picks any locality then.
            stats.zoneNoCapacityLeft.increment();
            return (int) Long.remainderUnsigned(random.nextLong(), n);
        }
        long threshold = Long.remainderUnsigned(random.nextLong(), total);
        int i = 0;
        while (threshold >= residualCapacity[i]) {
            i++;
        }
        return i;
    }
}
