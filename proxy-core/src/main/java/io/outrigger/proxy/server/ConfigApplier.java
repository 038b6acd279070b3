package io.outrigger.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.outrigger.proxy.cluster.ClusterManager;
import io.outrigger.proxy.http.HttpContext;
import io.outrigger.proxy.listener.ListenerBindException;
import io.outrigger.proxy.listener.ListenerBinder;
import io.outrigger.proxy.listener.ListenerHandoff;
import io.outrigger.proxy.listener.ListenerRuntime;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import io.outrigger.proxy.tls.TlsRuntime;
import io.outrigger.tls.context.TlsOptions;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies configuration snapshots to a running server, Envoy's way, by reference swap: a listener
 * added is bound and starts accepting; a listener removed stops accepting and its open connections
 * drain (they keep working until they end or the drain time passes, then are closed); a listener
 * whose address, {@code bind_to_port} or {@code transparent} changed is bound anew (a new socket)
 * and the old socket drains; any other change swaps the
 * listener's filter chains in place (connections accepted from then on use them, open ones keep
 * theirs). Clusters are updated by {@link ClusterManager#update}, which keeps a changed cluster's
 * balancer and per-host state; the HTTP connection managers' per-cluster state follows them
 * ({@link HttpContext#update}: pools, circuit breakers and outlier detection stay with a cluster
 * that is unchanged or whose endpoints alone changed).
 *
 * <p>TLS: while the secrets stay the same, the {@link TlsRuntime} stays, and so do the live
 * contexts of listeners and clusters whose TLS did not change (open and new connections share
 * them). New secrets build a new one; the previous one is closed once the update is published
 * (open connections keep the engines they were made with). Every cluster gets its transport
 * socket before any listener that reaches it is published, and a TLS cluster whose context cannot
 * be built fails its connections: it never falls back to plaintext.
 *
 * <p>Failures are per resource: a cluster or listener that cannot be built (or a listener that
 * cannot bind) is reported and keeps its previous version, if it had one; the rest applies. A
 * tcp_proxy naming a cluster that is absent is not a failure: as in Envoy, its connections count
 * {@code downstream_cx_no_route} until the cluster arrives.
 *
 * <p>Runs on the thread that publishes configuration ({@code outrigger-xds}), never on an event
 * loop; not thread-safe: the server calls it under its lock.
 */
final class ConfigApplier {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigApplier.class);

    /** What an update did. */
    record Result(boolean changed, List<ConfigProblem> problems) {
        static final Result UNCHANGED = new Result(false, List.of());

        Result {
            problems = List.copyOf(problems);
        }
    }

    /** A listener in force: its runtime, its socket ({@code null} if it binds none), its connections. */
    private record Active(ListenerRuntime runtime, Channel channel, ChannelGroup connections) {
    }

    private final ServerOptions options;
    private final Stats stats;
    private final boolean originalDstSupported;
    private final TlsOptions tlsOptions;
    private final ListenerBinder binder;
    private final ScheduledExecutorService control;
    private final Map<String, Channel> listenerChannels;
    private final TcpProxyInstaller tcpInstaller;
    private final HttpContext http;
    private final Map<String, Active> active = new LinkedHashMap<>();
    private final LongAdder clusterAdded = new LongAdder();
    private final LongAdder clusterModified = new LongAdder();
    private final LongAdder clusterRemoved = new LongAdder();
    private final LongAdder listenerAdded = new LongAdder();
    private final LongAdder listenerModified = new LongAdder();
    private final LongAdder listenerRemoved = new LongAdder();
    private final LongAdder listenersDraining = new LongAdder();
    private final LongAdder listenerCreateFailure = new LongAdder();
    private volatile int activeCount;
    private volatile ClusterManager clusters;
    private volatile TlsRuntime tls;
    private ConfigSnapshot snapshot;

    /**
     * @param listenerChannels the server's map of bound listener sockets by name, kept up to date
     * @param tcpInstaller     what a tcp_proxy filter chain installs on its connections
     * @param http             what the http_connection_manager filter chains share; updated with
     *                         each new set of clusters
     */
    ConfigApplier(ServerOptions options, Stats stats, boolean originalDstSupported, TlsOptions tlsOptions,
                  ListenerBinder binder, ScheduledExecutorService control, Map<String, Channel> listenerChannels,
                  TcpProxyInstaller tcpInstaller, HttpContext http) {
        this.options = Objects.requireNonNull(options, "options");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.originalDstSupported = originalDstSupported;
        this.tlsOptions = Objects.requireNonNull(tlsOptions, "tlsOptions");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.control = Objects.requireNonNull(control, "control");
        this.listenerChannels = Objects.requireNonNull(listenerChannels, "listenerChannels");
        this.tcpInstaller = Objects.requireNonNull(tcpInstaller, "tcpInstaller");
        this.http = Objects.requireNonNull(http, "http");
        // Envoy's cluster and listener manager stats (untagged, so Prometheus names are the dotted ones).
        stats.external("cluster_manager.cluster_added", clusterAdded::sum);
        stats.external("cluster_manager.cluster_modified", clusterModified::sum);
        stats.external("cluster_manager.cluster_removed", clusterRemoved::sum);
        stats.external("cluster_manager.active_clusters", () -> {
            ClusterManager cm = clusters;
            return cm == null ? 0 : cm.all().size();
        });
        stats.external("listener_manager.listener_added", listenerAdded::sum);
        stats.external("listener_manager.listener_modified", listenerModified::sum);
        stats.external("listener_manager.listener_removed", listenerRemoved::sum);
        stats.external("listener_manager.total_listeners_active", () -> activeCount);
        stats.external("listener_manager.total_listeners_draining", listenersDraining::sum);
        stats.external("listener_manager.listener_create_failure", listenerCreateFailure::sum);
    }

    /**
     * Binds the first configuration's listeners (startup): all or nothing, the caller stops the
     * server when this throws.
     */
    void start(ConfigSnapshot first, ClusterManager cm, List<ListenerRuntime> listeners, TlsRuntime firstTls)
            throws ListenerBindException {
        clusters = cm;
        tls = Objects.requireNonNull(firstTls, "firstTls");
        snapshot = first;
        Map<String, ChannelGroup> groups = new HashMap<>();
        for (ListenerRuntime l : listeners) {
            groups.put(l.name(), newGroup(l.name()));
        }
        binder.publish(ListenerHandoff.of(listeners, groups::get));
        for (ListenerRuntime l : listeners) {
            Channel ch = null;
            if (l.spec().bindToPort()) {
                ch = binder.bind(l);
                listenerChannels.put(l.name(), ch);
            }
            active.put(l.name(), new Active(l, ch, groups.get(l.name())));
        }
        clusterAdded.add(cm.all().size());
        listenerAdded.add(listeners.size());
        activeCount = active.size();
    }

    ClusterManager clusters() {
        return clusters;
    }

    /** The TLS of the configuration in force. */
    TlsRuntime tls() {
        return tls;
    }

    /** Applies {@code next}; see the class comment for what changes and what keeps working. */
    Result apply(ConfigSnapshot next) {
        Objects.requireNonNull(next, "next");
        if (sameContent(snapshot, next)) {
            return Result.UNCHANGED;
        }
        List<ConfigProblem> problems = new ArrayList<>();

        // 1. Clusters: unchanged ones stay, changed ones keep their balancer, failed ones keep their previous version.
        ClusterManager previousClusters = clusters;
        Map<String, String> clusterProblems = new LinkedHashMap<>();
        ClusterManager cm = previousClusters.update(next.clusters(), stats, options.lbFactory(), options.resolver(),
                control, options.dnsRefreshRate(), clusterProblems);
        clusterProblems.forEach((name, message) ->
                problems.add(new ConfigProblem(next.source(), "Cluster", name, "", message)));
        countClusterChanges(previousClusters, cm);

        // 2. TLS: the same runtime while the secrets are the same (its contexts are reused per
        //    listener/cluster and spec). Clusters get their transport sockets before any listener
        //    that reaches them is published.
        TlsRuntime previousTls = tls;
        TlsRuntime nextTls = next.secrets().equals(snapshot.secrets()) ? previousTls
                : new TlsRuntime(next, stats, tlsOptions);
        RuntimeBuilder.clusterTls(next, cm, nextTls, problems);
        // HTTP routes resolve clusters by name, per request: the pools follow the new clusters now,
        // once they have their transport sockets. A replaced cluster's successor serves its
        // predecessor's hosts until publishMemberships().
        http.update(cm);

        // 3. Listeners, built against the new clusters (a tcp_proxy resolves its clusters once, here).
        Map<String, ListenerRuntime> desired = listeners(next, cm, nextTls, problems);

        // 4. Bind what is new or moved, against a table that already holds it.
        Map<String, Active> nextActive = new LinkedHashMap<>();
        Map<String, ChannelGroup> groups = new HashMap<>();
        List<ListenerRuntime> toBind = new ArrayList<>();
        for (ListenerRuntime r : desired.values()) {
            Active prev = active.get(r.name());
            if (prev != null && sameSocket(prev.runtime().spec(), r.spec())) {
                groups.put(r.name(), prev.connections());
                nextActive.put(r.name(), new Active(r, prev.channel(), prev.connections()));
            } else {
                groups.put(r.name(), newGroup(r.name()));
                toBind.add(r);
            }
        }
        ListenerHandoff provisional = ListenerHandoff.of(List.copyOf(desired.values()), groups::get);
        releaseAddressesOfRemovedListeners(desired, toBind);
        for (ListenerRuntime r : toBind) {
            Channel ch = null;
            if (r.spec().bindToPort()) {
                try {
                    ch = binder.bind(r, provisional);
                } catch (ListenerBindException e) {
                    listenerCreateFailure.increment();
                    problems.add(new ConfigProblem(next.source(), "Listener", r.name(), "address", e.getMessage()));
                    Active prev = active.get(r.name());
                    if (prev != null) {
                        nextActive.put(r.name(), rebuiltOrPrevious(prev, cm, nextTls, next));
                        groups.put(r.name(), prev.connections());
                    }
                    continue;
                }
            }
            nextActive.put(r.name(), new Active(r, ch, groups.get(r.name())));
        }
        // Declaration order of the new snapshot, for /config_dump-like listings and hand-off ties.
        Map<String, Active> ordered = new LinkedHashMap<>();
        for (String name : desired.keySet()) {
            Active a = nextActive.get(name);
            if (a != null) {
                ordered.put(name, a);
            }
        }

        // 5. Publish: connections accepted from now on see the new listeners and clusters.
        List<ListenerRuntime> runtimes = new ArrayList<>();
        for (Active a : ordered.values()) {
            runtimes.add(a.runtime());
        }
        binder.publish(ListenerHandoff.of(runtimes, name -> ordered.get(name).connections()));
        clusters = cm;
        cm.publishMemberships();
        tls = nextTls;

        // 6. Retire: sockets no longer in force stop accepting; their connections drain.
        for (Map.Entry<String, Active> e : active.entrySet()) {
            Active prev = e.getValue();
            Active now = ordered.get(e.getKey());
            if (now == null) {
                listenerRemoved.increment();
                retire(e.getKey(), prev);
            } else if (now.channel() != prev.channel()) {
                retire(e.getKey(), prev);
            }
            if (now != null && !now.runtime().spec().equals(prev.runtime().spec())) {
                listenerModified.increment();
            }
        }
        for (Map.Entry<String, Active> e : ordered.entrySet()) {
            if (!active.containsKey(e.getKey())) {
                listenerAdded.increment();
            }
            if (e.getValue().channel() != null) {
                listenerChannels.put(e.getKey(), e.getValue().channel());
            }
        }
        active.clear();
        active.putAll(ordered);
        activeCount = active.size();
        snapshot = next;
        if (nextTls != previousTls) {
            // Open connections keep the engines they were made with; only the watchers stop.
            previousTls.close();
        }
        LOG.info("applied configuration version {}: {} listener(s), {} cluster(s){}", next.versionInfo(),
                ordered.size(), cm.all().size(), problems.isEmpty() ? "" : ", " + problems.size() + " rejected");
        for (ConfigProblem p : problems) {
            LOG.warn("configuration version {} rejected in part, previous version kept: {}", next.versionInfo(), p);
        }
        return new Result(true, problems);
    }

    /**
     * The listeners of {@code next} that build, by name in declaration order; a listener that does
     * not build keeps its previous version (rebuilt against the new clusters) when it had one.
     */
    private Map<String, ListenerRuntime> listeners(ConfigSnapshot next, ClusterManager cm, TlsRuntime nextTls,
                                                   List<ConfigProblem> problems) {
        List<ConfigProblem> listenerProblems = new ArrayList<>();
        List<ListenerRuntime> built = RuntimeBuilder.listeners(next, cm, stats, originalDstSupported, nextTls,
                listenerProblems, tcpInstaller, http);
        problems.addAll(listenerProblems);
        Map<String, ListenerRuntime> byName = new HashMap<>();
        for (ListenerRuntime r : built) {
            byName.put(r.name(), r);
        }
        Map<String, ListenerRuntime> desired = new LinkedHashMap<>();
        for (ListenerSpec spec : next.listeners()) {
            ListenerRuntime r = byName.get(spec.name());
            if (r == null) {
                Active prev = active.get(spec.name());
                if (prev != null) {
                    ListenerRuntime rebuilt = rebuild(prev.runtime().spec(), next, cm, nextTls);
                    // Should the previous spec no longer build (new secrets), it keeps serving as it was.
                    r = rebuilt != null ? rebuilt : prev.runtime();
                }
            }
            if (r != null) {
                desired.put(spec.name(), r);
            }
        }
        return desired;
    }

    private Active rebuiltOrPrevious(Active prev, ClusterManager cm, TlsRuntime nextTls, ConfigSnapshot next) {
        ListenerRuntime r = rebuild(prev.runtime().spec(), next, cm, nextTls);
        return new Active(r != null ? r : prev.runtime(), prev.channel(), prev.connections());
    }

    /** A listener's previous spec built against the new clusters; it built before, so it builds again. */
    private ListenerRuntime rebuild(ListenerSpec spec, ConfigSnapshot next, ClusterManager cm, TlsRuntime nextTls) {
        ConfigSnapshot one = new ConfigSnapshot(next.node(), next.admin(), List.of(spec), List.of(),
                next.versionInfo(), next.source(), next.secrets());
        List<ConfigProblem> ignored = new ArrayList<>();
        List<ListenerRuntime> r = RuntimeBuilder.listeners(one, cm, stats, originalDstSupported, nextTls, ignored,
                tcpInstaller, http);
        return r.isEmpty() ? null : r.getFirst();
    }

    /**
     * A listener removed in the same update that adds another on its address (a rename) holds the
     * socket the new one needs: close it first, so the address is served again a moment later
     * rather than by no listener at all. Its connections still drain (see {@link #retire}).
     */
    private void releaseAddressesOfRemovedListeners(Map<String, ListenerRuntime> desired, List<ListenerRuntime> toBind) {
        for (Map.Entry<String, Active> e : active.entrySet()) {
            Channel ch = e.getValue().channel();
            if (ch == null || desired.containsKey(e.getKey())) {
                continue;
            }
            for (ListenerRuntime r : toBind) {
                if (r.spec().bindToPort() && r.spec().address().equals(e.getValue().runtime().spec().address())) {
                    ch.close().awaitUninterruptibly();
                    break;
                }
            }
        }
    }

    /** Stops accepting on {@code prev}'s socket and closes its connections that are still open after the drain time. */
    private void retire(String name, Active prev) {
        if (prev.channel() != null) {
            listenerChannels.remove(name, prev.channel());
            prev.channel().close();
        }
        ChannelGroup connections = prev.connections();
        LOG.info("listener {}: draining {} connection(s) for up to {}", name, connections.size(), options.drainTime());
        listenersDraining.increment();
        try {
            control.schedule(() -> {
                if (!connections.isEmpty()) {
                    LOG.info("listener {}: drain time over, closing {} connection(s)", name, connections.size());
                }
                connections.close();
                listenersDraining.decrement();
            }, options.drainTime().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            connections.close(); // the server is stopping
        }
    }

    private void countClusterChanges(ClusterManager before, ClusterManager after) {
        for (var c : after.all()) {
            var old = before.get(c.name());
            if (old == null) {
                clusterAdded.increment();
            } else if (old != c) {
                clusterModified.increment();
            }
        }
        for (var c : before.all()) {
            if (after.get(c.name()) == null) {
                clusterRemoved.increment();
            }
        }
    }

    private static boolean sameSocket(ListenerSpec a, ListenerSpec b) {
        // IP_TRANSPARENT is set when the socket is bound: a change of transparent needs a new socket.
        return a.address().equals(b.address()) && a.bindToPort() == b.bindToPort()
                && a.transparent() == b.transparent();
    }

    /** Equal resources: only the version or the source differ, so there is nothing to do. */
    static boolean sameContent(ConfigSnapshot a, ConfigSnapshot b) {
        return a.listeners().equals(b.listeners()) && a.clusters().equals(b.clusters()) && a.node().equals(b.node())
                && a.secrets().equals(b.secrets());
    }

    private static ChannelGroup newGroup(String listener) {
        // GlobalEventExecutor only completes the group's close futures; nobody waits on them.
        return new DefaultChannelGroup("listener " + listener, GlobalEventExecutor.INSTANCE);
    }
}
