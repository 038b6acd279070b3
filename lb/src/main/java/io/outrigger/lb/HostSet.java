package io.outrigger.lb;

import java.util.ArrayList;
import java.util.List;

/**
 * One priority's hosts sorted the way Envoy's {@code HostSet} sorts them: all, healthy, degraded,
 * and the same per locality. When the caller's locality is among them it comes first
 * ({@code hasLocalLocality}), as zone-aware routing expects.
 */
final class HostSet {
    final Host[] all;
    final Host[] healthy;
    final Host[] degraded;
    final LocalitySet[] localities;
    final boolean hasLocalLocality;

    /** The hosts of one locality at one priority. */
    static final class LocalitySet {
        final Locality locality;
        final int weight;
        final Host[] all;
        final Host[] healthy;
        final Host[] degraded;

        LocalitySet(Locality locality, int weight, Host[] all, Host[] healthy, Host[] degraded) {
            this.locality = locality;
            this.weight = weight;
            this.all = all;
            this.healthy = healthy;
            this.degraded = degraded;
        }
    }

    private HostSet(Host[] all, Host[] healthy, Host[] degraded, LocalitySet[] localities, boolean local) {
        this.all = all;
        this.healthy = healthy;
        this.degraded = degraded;
        this.localities = localities;
        this.hasLocalLocality = local;
    }

    /**
     * Classifies one priority's hosts.
     *
     * @param states run-time health of each host, or {@code null} to use the EDS status alone
     * @param callerLocality the locality to list first, or {@code null}
     */
    static HostSet of(PriorityLevel level, HostStates states, Locality callerLocality) {
        List<Host> all = new ArrayList<>();
        List<Host> healthy = new ArrayList<>();
        List<Host> degraded = new ArrayList<>();
        List<LocalitySet> localities = new ArrayList<>();
        boolean local = false;
        for (LocalityHosts lh : level.localities()) {
            List<Host> lHealthy = new ArrayList<>();
            List<Host> lDegraded = new ArrayList<>();
            for (Host h : lh.hosts()) {
                all.add(h);
                HostState.HostHealth health = states == null
                        ? edsHealth(h) : states.stateOf(h).effectiveHealth(h);
                if (health == HostState.HostHealth.HEALTHY) {
                    healthy.add(h);
                    lHealthy.add(h);
                } else if (health == HostState.HostHealth.DEGRADED) {
                    degraded.add(h);
                    lDegraded.add(h);
                }
            }
            LocalitySet set = new LocalitySet(lh.locality(), lh.weight(), lh.hosts().toArray(Host[]::new),
                    lHealthy.toArray(Host[]::new), lDegraded.toArray(Host[]::new));
            if (!local && lh.locality().equals(callerLocality)) {
                localities.addFirst(set);
                local = true;
            } else {
                localities.add(set);
            }
        }
        return new HostSet(all.toArray(Host[]::new), healthy.toArray(Host[]::new),
                degraded.toArray(Host[]::new), localities.toArray(LocalitySet[]::new), local);
    }

    private static HostState.HostHealth edsHealth(Host h) {
        if (h.health() == HealthStatus.DEGRADED) {
            return HostState.HostHealth.DEGRADED;
        }
        return h.health().isHealthyForLb() ? HostState.HostHealth.HEALTHY : HostState.HostHealth.UNHEALTHY;
    }
}
