package io.outrigger.lb;

import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link HostState} of every host of one cluster, keyed by identity ({@code address:port}), so
 * state survives rebuilds for hosts that remain and is dropped for hosts that leave.
 */
final class HostStates {
    private final ConcurrentHashMap<Host, HostState> states = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile boolean newHostsPendingHealthCheck;

    HostStates(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The state of {@code host}, created on first sight (joining now, for slow start). */
    HostState stateOf(Host host) {
        HostState s = states.get(host);
        return s != null ? s : states.computeIfAbsent(host, h -> newHostsPendingHealthCheck
                ? HostState.pendingHealthCheck(h, clock.millis()) : new HostState(h, clock.millis()));
    }

    /** While active health checking runs, hosts that join wait for their first passing probe. */
    void setNewHostsPendingHealthCheck(boolean pending) {
        newHostsPendingHealthCheck = pending;
    }

    /**
     * Records hosts of a cluster's first membership: like Envoy, they do not ramp up through slow
     * start, since the whole cluster is new.
     */
    void seedInitial(Collection<Host> hosts) {
        for (Host h : hosts) {
            states.putIfAbsent(h, new HostState(h, Long.MIN_VALUE / 2));
        }
    }

    /** The state of {@code host} if the cluster knows it; never creates one (event-loop safe). */
    HostState find(Host host) {
        return states.get(host);
    }

    /** Forgets hosts that are no longer members. */
    void retainOnly(Collection<Host> members) {
        Set<Host> keep = members instanceof Set<Host> s ? s : new HashSet<>(members);
        states.keySet().removeIf(h -> !keep.contains(h));
    }

    Collection<HostState> all() {
        return states.values();
    }
}
