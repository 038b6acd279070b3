package io.outrigger.lb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Multi-cluster traffic policy for a service that runs in several clusters (or zones), expressed
 * as a pure transformation of plain EDS: {@code apply(membership, callerLocality)} returns the
 * membership that, balanced with Envoy's ordinary priority and locality arithmetic, gives the
 * policy's behaviour. Any control plane can therefore produce the same result by sending the
 * transformed {@code ClusterLoadAssignment} itself. See {@code lb/README.md} for the mapping.
 *
 * <ul>
 *   <li>{@link Mode#LOCALITY}: only the caller's own cluster; the other clusters' localities are
 *       dropped. Nothing left means picks return {@code null}.</li>
 *   <li>{@link Mode#FAIL_OVER}: the caller's cluster at priority 0, every other cluster one
 *       priority lower, so Envoy's overprovisioned health spills load only when the local hosts
 *       are absent or unhealthy, and takes it back as they recover.</li>
 *   <li>{@link Mode#ACTIVE_ACTIVE}: all clusters at one priority, each locality weighted by
 *       {@code clusterWeights} or, Kuma's default, by its instance count; balance with
 *       {@code locality_weighted_lb_config}.</li>
 * </ul>
 *
 * @param mode the policy
 * @param scope which parts of a {@link Locality} name "a cluster"
 * @param clusterWeights ACTIVE_ACTIVE weights by cluster key ({@link #clusterKey}); clusters not
 *        listed weigh their instance count
 * @param weightRemoteByInstanceCount FAIL_OVER: also weight the remote localities by instance
 *        count (Kuma's locality-aware balancing across zones)
 */
public record GlobalTrafficPolicy(Mode mode, Scope scope, Map<String, Integer> clusterWeights,
                                  boolean weightRemoteByInstanceCount) {

    /** The multi-cluster policies of seed 004 (and Kuma's equivalents). */
    public enum Mode { LOCALITY, FAIL_OVER, ACTIVE_ACTIVE }

    /** How much of a locality identifies the caller's cluster. */
    public enum Scope {
        /** Same region. */
        REGION,
        /** Same region and zone (Kuma zones, Istio clusters mapped to zones). */
        ZONE,
        /** Same region, zone and sub-zone. */
        SUB_ZONE
    }

    public GlobalTrafficPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(scope, "scope");
        clusterWeights = Map.copyOf(Objects.requireNonNull(clusterWeights, "clusterWeights"));
        clusterWeights.forEach((k, v) -> {
            if (v < 0) {
                throw new IllegalArgumentException("clusterWeights[" + k + "]: " + v + " (expected: >= 0)");
            }
        });
    }

    public static GlobalTrafficPolicy locality(Scope scope) {
        return new GlobalTrafficPolicy(Mode.LOCALITY, scope, Map.of(), false);
    }

    public static GlobalTrafficPolicy failOver(Scope scope) {
        return new GlobalTrafficPolicy(Mode.FAIL_OVER, scope, Map.of(), false);
    }

    public static GlobalTrafficPolicy activeActive(Scope scope, Map<String, Integer> clusterWeights) {
        return new GlobalTrafficPolicy(Mode.ACTIVE_ACTIVE, scope, clusterWeights, false);
    }

    /** The key of the cluster a locality belongs to under {@code scope}. */
    public String clusterKey(Locality l) {
        return switch (scope) {
            case REGION -> l.region();
            case ZONE -> l.region() + "/" + l.zone();
            case SUB_ZONE -> l.region() + "/" + l.zone() + "/" + l.subZone();
        };
    }

    /** True when {@code host} is in the caller's cluster. */
    public boolean isLocal(Locality hostLocality, Locality caller) {
        return clusterKey(hostLocality).equals(clusterKey(caller));
    }

    /** The plain-EDS membership that implements this policy for a caller in {@code caller}. */
    public Membership apply(Membership membership, Locality caller) {
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(caller, "caller");
        return switch (mode) {
            case LOCALITY -> localOnly(membership, caller);
            case FAIL_OVER -> failOver(membership, caller);
            case ACTIVE_ACTIVE -> activeActive(membership);
        };
    }

    /** True when a LOCALITY policy leaves the caller no host at all (the call must fail). */
    public boolean leavesNothing(Membership transformed) {
        return mode == Mode.LOCALITY && ClusterLoadBalancer.hostsOf(transformed).isEmpty();
    }

    private Membership localOnly(Membership m, Locality caller) {
        List<PriorityLevel> out = new ArrayList<>();
        for (PriorityLevel level : m.priorities()) {
            List<LocalityHosts> kept = new ArrayList<>();
            for (LocalityHosts lh : level.localities()) {
                if (isLocal(lh.locality(), caller)) {
                    kept.add(lh);
                }
            }
            out.add(new PriorityLevel(kept));
        }
        return new Membership(trimEmptyTail(out), m.overprovisioningFactor());
    }

    private Membership failOver(Membership m, Locality caller) {
        int n = m.priorities().size();
        // Local priority p stays p; remote priority p becomes n + p, below every local one.
        List<List<LocalityHosts>> levels = new ArrayList<>();
        for (int i = 0; i < 2 * n; i++) {
            levels.add(new ArrayList<>());
        }
        for (int p = 0; p < n; p++) {
            for (LocalityHosts lh : m.priorities().get(p).localities()) {
                if (isLocal(lh.locality(), caller)) {
                    levels.get(p).add(lh);
                } else {
                    levels.get(n + p).add(weightRemoteByInstanceCount
                            ? new LocalityHosts(lh.locality(), lh.hosts().size(), lh.hosts()) : lh);
                }
            }
        }
        List<PriorityLevel> out = new ArrayList<>();
        for (List<LocalityHosts> l : levels) {
            out.add(new PriorityLevel(l));
        }
        return new Membership(compact(out), m.overprovisioningFactor());
    }

    private Membership activeActive(Membership m) {
        List<PriorityLevel> out = new ArrayList<>();
        for (PriorityLevel level : m.priorities()) {
            // Merge localities of one cluster so its weight is applied once.
            Map<String, List<LocalityHosts>> byCluster = new LinkedHashMap<>();
            for (LocalityHosts lh : level.localities()) {
                byCluster.computeIfAbsent(clusterKey(lh.locality()), k -> new ArrayList<>()).add(lh);
            }
            List<LocalityHosts> weighted = new ArrayList<>();
            for (Map.Entry<String, List<LocalityHosts>> e : byCluster.entrySet()) {
                int instances = 0;
                for (LocalityHosts lh : e.getValue()) {
                    instances += lh.hosts().size();
                }
                Integer clusterWeight = clusterWeights.get(e.getKey());
                for (LocalityHosts lh : e.getValue()) {
                    int w = clusterWeight == null
                            ? lh.hosts().size()
                            // Split an explicit cluster weight over its localities by instance count.
                            : instances == 0 ? 0 : Math.max(clusterWeight == 0 ? 0 : 1,
                                    (int) ((long) clusterWeight * lh.hosts().size() / instances));
                    weighted.add(new LocalityHosts(lh.locality(), w, lh.hosts()));
                }
            }
            out.add(new PriorityLevel(weighted));
        }
        return new Membership(out, m.overprovisioningFactor());
    }

    /** Drops priorities with no locality while keeping order (Envoy priorities must be contiguous). */
    private static List<PriorityLevel> compact(List<PriorityLevel> levels) {
        List<PriorityLevel> out = new ArrayList<>();
        for (PriorityLevel l : levels) {
            if (!l.localities().isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }

    private static List<PriorityLevel> trimEmptyTail(List<PriorityLevel> levels) {
        List<PriorityLevel> out = new ArrayList<>(levels);
        while (!out.isEmpty() && out.getLast().localities().isEmpty()) {
            out.removeLast();
        }
        return out;
    }
}
