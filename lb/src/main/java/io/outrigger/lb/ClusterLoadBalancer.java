package io.outrigger.lb;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The load balancer of one cluster across its membership updates. Each {@link #update} builds a new
 * immutable picker and publishes it by a volatile reference swap; {@link #pick} reads that one
 * reference. Per-host run-time state (active requests, health-check and outlier verdicts) is keyed
 * by host identity and survives updates for hosts that remain.
 *
 * <p>Threads: {@code pick}, {@code requestStarted} and {@code requestFinished} run on event loops;
 * {@code update}, {@code updateLocalCluster} and {@code refresh} run on a control thread (xDS,
 * health checks, outlier detection) and serialize among themselves.
 *
 * <p>The {@link RandomGenerator} is shared by all event loops: pass one that is safe for
 * concurrent use, e.g. {@link LoadBalancers#eventLoopRandom()} (per-thread streams), or a seeded
 * generator in single-threaded tests.
 */
public final class ClusterLoadBalancer implements LoadBalancer {
    private final LbConfig config;
    private final HostStates states;
    private final LbStats stats = new LbStats();
    private final BalancerBuild build;
    private final Clock clock;
    private final Object updateLock = new Object();
    private Membership membership;
    private LocalCluster localCluster;
    private boolean seeded;
    private boolean refusedByLocalityPolicy;
    private volatile PriorityBalancer current;

    ClusterLoadBalancer(LbConfig config, RandomGenerator random, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(clock, "clock");
        this.states = new HostStates(clock);
        this.clock = clock;
        this.build = new BalancerBuild(config, states, random, clock, stats);
        this.membership = new Membership(List.of(), Membership.DEFAULT_OVERPROVISIONING_FACTOR);
        this.current = build.build(membership, null);
    }

    @Override
    public Host pick(long hash) {
        return current.pick(hash);
    }

    @Override
    public void requestStarted(Host host) {
        HostState s = states.find(host);
        if (s != null) {
            s.requestStarted();
        }
    }

    @Override
    public void requestFinished(Host host) {
        HostState s = states.find(host);
        if (s != null) {
            s.requestFinished();
        }
    }

    /** Applies a new membership (an EDS update): rebuilds and publishes the picker. */
    public void update(Membership newMembership) {
        synchronized (updateLock) {
            refusedByLocalityPolicy = false;
            apply(newMembership);
        }
    }

    /**
     * Applies a new membership through a multi-cluster traffic policy for a caller in
     * {@code caller}. With a LOCALITY policy that leaves nothing, picks return {@code null} and
     * {@link LbStats#localityPolicyNoLocalHost()} counts them.
     */
    public void update(Membership newMembership, GlobalTrafficPolicy policy, Locality caller) {
        Membership transformed = policy.apply(newMembership, caller);
        synchronized (updateLock) {
            refusedByLocalityPolicy = policy.leavesNothing(transformed);
            apply(transformed);
        }
    }

    /** True when the last update left no host because of a LOCALITY traffic policy. */
    public boolean refusedByLocalityPolicy() {
        synchronized (updateLock) {
            return refusedByLocalityPolicy;
        }
    }

    private void apply(Membership newMembership) {
        Objects.requireNonNull(newMembership, "membership");
        {
            List<Host> hosts = hostsOf(newMembership);
            if (!seeded) {
                states.seedInitial(hosts);
                seeded = true;
            }
            membership = newMembership;
            states.retainOnly(new java.util.HashSet<>(hosts));
            rebuild();
        }
    }

    /** Applies new zone-aware inputs (the caller's locality and its own cluster's membership). */
    public void updateLocalCluster(LocalCluster local) {
        synchronized (updateLock) {
            localCluster = local;
            rebuild();
        }
    }

    /**
     * Rebuilds the picker from the current membership and host states: call after a health check
     * or outlier verdict changed, or periodically while hosts are in slow start.
     */
    public void refresh() {
        synchronized (updateLock) {
            rebuild();
        }
    }

    private void rebuild() {
        current = build.build(membership, localCluster, refusedByLocalityPolicy);
    }

    /**
     * True while some member is still ramping up under {@code slow_start_config}: the control
     * thread should then call {@link #refresh()} periodically (e.g. every second) so its weight grows.
     */
    public boolean slowStartActive() {
        SlowStartConfig slow = config.slowStart();
        if (slow == null) {
            return false;
        }
        long now = clock.millis();
        long window = slow.window().toMillis();
        for (HostState s : states.all()) {
            if (now - s.joinedAtMillis() < window) {
                return true;
            }
        }
        return false;
    }

    /** The run-time state of {@code host}, or {@code null} if it is not a member. */
    public HostState state(Host host) {
        return states.find(host);
    }

    /** The membership currently applied. */
    public Membership membership() {
        synchronized (updateLock) {
            return membership;
        }
    }

    public LbConfig config() {
        return config;
    }

    public LbStats stats() {
        return stats;
    }

    /** Envoy's current priority split, for tests and the admin endpoint. */
    PriorityLoad priorityLoad() {
        return current.load;
    }

    HostStates states() {
        return states;
    }

    static List<Host> hostsOf(Membership m) {
        List<Host> out = new ArrayList<>();
        for (PriorityLevel level : m.priorities()) {
            for (LocalityHosts lh : level.localities()) {
                out.addAll(lh.hosts());
            }
        }
        return out;
    }
}
