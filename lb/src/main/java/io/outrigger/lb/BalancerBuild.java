package io.outrigger.lb;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Builds the {@link PriorityBalancer} of one membership snapshot: classifies hosts with their
 * run-time health, computes Envoy's priority load, and builds every picker the pick path can
 * reach, so picking never builds anything.
 */
final class BalancerBuild {
    private final LbConfig config;
    private final HostStates states;
    private final RandomGenerator random;
    private final Clock clock;
    private final LbStats stats;

    BalancerBuild(LbConfig config, HostStates states, RandomGenerator random, Clock clock, LbStats stats) {
        this.config = config;
        this.states = states;
        this.random = random;
        this.clock = clock;
        this.stats = stats;
    }

    PriorityBalancer build(Membership membership, LocalCluster local) {
        return build(membership, local, false);
    }

    /**
     * @param refusedByLocalityPolicy the membership is empty because a Locality traffic policy left
     *        the caller nothing: failed picks are counted as such
     */
    PriorityBalancer build(Membership membership, LocalCluster local, boolean refusedByLocalityPolicy) {
        int n = membership.priorities().size();
        Locality caller = local == null ? null : local.locality();
        HostSet[] sets = new HostSet[n];
        long[] total = new long[n];
        long[] healthy = new long[n];
        long[] degraded = new long[n];
        for (int p = 0; p < n; p++) {
            sets[p] = HostSet.of(membership.priorities().get(p), states, caller);
            total[p] = sets[p].all.length;
            healthy[p] = sets[p].healthy.length;
            degraded[p] = sets[p].degraded.length;
        }
        PriorityLoad load = PriorityLoad.compute(total, healthy, degraded,
                membership.overprovisioningFactor(), config.healthyPanicThreshold());
        long now = clock.millis();
        PriorityBalancer.Level[] levels = new PriorityBalancer.Level[n];
        for (int p = 0; p < n; p++) {
            levels[p] = level(sets[p], load.panic()[p], p, membership.overprovisioningFactor(), local, now);
        }
        boolean failOnPanic = config.zoneAware() != null && config.zoneAware().failTrafficOnPanic();
        return new PriorityBalancer(load, levels, config.hashBased(), failOnPanic, random, stats,
                refusedByLocalityPolicy ? stats.localityPolicyNoLocalHost : stats.noHealthyHost);
    }

    private PriorityBalancer.Level level(HostSet set, boolean panic, int priority, int overprovisioning,
                                         LocalCluster local, long now) {
        PriorityBalancer.Level level = new PriorityBalancer.Level();
        level.panic = panic;
        if (config.hashBased()) {
            if (panic) {
                level.all = hashed(set, Source.ALL);
            } else {
                level.healthy = hashed(set, Source.HEALTHY);
                level.degraded = hashed(set, Source.DEGRADED);
            }
            return level;
        }
        if (panic) {
            level.all = picker(set.all, now);
            return level;
        }
        level.healthy = picker(set.healthy, now);
        level.degraded = picker(set.degraded, now);
        if (config.localityWeighted()) {
            level.healthyLocalities = LocalityChooser.of(set.localities, false, overprovisioning, random);
            level.degradedLocalities = LocalityChooser.of(set.localities, true, overprovisioning, random);
            level.healthyByLocality = perLocality(set, false, now);
            level.degradedByLocality = perLocality(set, true, now);
        } else if (config.zoneAware() != null && priority == 0 && local != null
                && !local.membership().priorities().isEmpty()) {
            HostSet localSet = HostSet.of(local.membership().priorities().getFirst(), null, local.locality());
            level.zone = ZoneRouting.of(set, localSet, config.zoneAware(), config.healthyPanicThreshold(), stats);
            if (level.zone != null) {
                level.healthyByLocality = perLocality(set, false, now);
            }
        }
        return level;
    }

    private LoadBalancer[] perLocality(HostSet set, boolean degraded, long now) {
        LoadBalancer[] out = new LoadBalancer[set.localities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = picker(degraded ? set.localities[i].degraded : set.localities[i].healthy, now);
        }
        return out;
    }

    private LoadBalancer picker(Host[] hosts, long now) {
        long[] weights = new long[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            weights[i] = weight(hosts[i], now);
        }
        return EndpointPickers.create(config, hosts, weights, states, random);
    }

    /** The host's weight, ramped by slow start when configured (scaled by 100 to keep precision). */
    private long weight(Host host, long now) {
        SlowStartConfig slow = config.slowStart();
        if (slow == null) {
            return host.weight();
        }
        long elapsed = now - states.stateOf(host).joinedAtMillis();
        long window = slow.window().toMillis();
        if (elapsed >= window) {
            return host.weight() * 100L;
        }
        double timeFactor = Math.max(1, elapsed) / (double) window;
        double factor = Math.max(slow.minWeightPercent() / 100.0, Math.pow(timeFactor, 1.0 / slow.aggression()));
        return Math.max(1, Math.round(host.weight() * 100.0 * factor));
    }

    private enum Source { ALL, HEALTHY, DEGRADED }

    private static Host[] of(HostSet.LocalitySet l, Source source) {
        return switch (source) {
            case ALL -> l.all;
            case HEALTHY -> l.healthy;
            case DEGRADED -> l.degraded;
        };
    }

    /**
     * A hash picker over the source; with locality weighting, each host's share is its share of
     * its locality times the locality's share (Envoy's {@code normalizeLocalityWeights}).
     */
    private LoadBalancer hashed(HostSet set, Source source) {
        Host[] flat = switch (source) {
            case ALL -> set.all;
            case HEALTHY -> set.healthy;
            case DEGRADED -> set.degraded;
        };
        if (flat.length == 0) {
            return null;
        }
        long localityTotal = 0;
        if (config.localityWeighted()) {
            for (HostSet.LocalitySet l : set.localities) {
                if (of(l, source).length > 0) {
                    localityTotal += l.weight;
                }
            }
        }
        if (localityTotal == 0) {
            return EndpointPickers.createHashed(config, flat, EndpointPickers.normalize(flat));
        }
        List<Host> hosts = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (HostSet.LocalitySet l : set.localities) {
            Host[] in = of(l, source);
            if (in.length == 0 || l.weight == 0) {
                continue;
            }
            double localityShare = (double) l.weight / localityTotal;
            double[] inLocality = EndpointPickers.normalize(in);
            for (int i = 0; i < in.length; i++) {
                hosts.add(in[i]);
                weights.add(inLocality[i] * localityShare);
            }
        }
        double[] w = new double[weights.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.get(i);
        }
        return EndpointPickers.createHashed(config, hosts.toArray(Host[]::new), w);
    }
}
