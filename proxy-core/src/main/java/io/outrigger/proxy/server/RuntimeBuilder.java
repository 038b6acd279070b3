package io.outrigger.proxy.server;

import io.outrigger.proxy.cluster.ClusterManager;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.http.HttpChain;
import io.outrigger.proxy.http.HttpContext;
import io.outrigger.proxy.http.HttpInstaller;
import io.outrigger.proxy.listener.ChainRuntime;
import io.outrigger.proxy.listener.FilterChainSelector;
import io.outrigger.proxy.listener.ListenerRuntime;
import io.outrigger.proxy.listener.NetworkChain;
import io.outrigger.proxy.rbac.RbacFilter;
import io.outrigger.proxy.stats.ListenerStats;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.proxy.stats.TcpProxyStats;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import io.outrigger.proxy.tcp.TcpProxyRoute;
import io.outrigger.proxy.tls.DownstreamTls;
import io.outrigger.proxy.tls.TlsRuntime;
import io.outrigger.proxy.tls.UpstreamTls;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.ListenerFilterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.NetworkFilterSpec;
import io.outrigger.xds.snapshot.RbacSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * Builds the listeners' runtime from a validated snapshot and binds their stats once. Whatever
 * xds-client accepts but this data path cannot serve yet is reported as a problem naming the
 * resource and field, never silently ignored.
 */
final class RuntimeBuilder {
    private RuntimeBuilder() {
    }

    /**
     * @param nativeTransport the transport is epoll or io_uring, which can read SO_ORIGINAL_DST and
     *                        set IP_TRANSPARENT (NIO can do neither)
     * @param tls the configuration's TLS: each TLS chain takes its live context from it
     * @param problems receives one problem per unsupported feature; when it is not empty on return
     *                 the result must not be used
     */
    static List<ListenerRuntime> listeners(ConfigSnapshot snapshot, ClusterManager clusters, Stats stats,
                                           boolean nativeTransport, TlsRuntime tls,
                                           List<ConfigProblem> problems, TcpProxyInstaller tcpInstaller,
                                           HttpContext http) {
        Map<String, TcpProxyStats> tcpStats = new HashMap<>();
        Map<String, ListenerStats> listenerStats = new HashMap<>();
        List<ListenerRuntime> out = new ArrayList<>();
        for (int i = 0; i < snapshot.listeners().size(); i++) {
            ListenerSpec l = snapshot.listeners().get(i);
            String at = "static".equals(snapshot.versionInfo()) ? "static_resources.listeners[" + i + "]" : "";
            int before = problems.size();
            for (int j = 0; j < l.listenerFilters().size(); j++) {
                ListenerFilterSpec f = l.listenerFilters().get(j);
                if (f.kind() == ListenerFilterSpec.Kind.ORIGINAL_DST && !nativeTransport) {
                    problems.add(problem(snapshot, l, field(at, "listener_filters[" + j + "]"), "listener filter "
                            + f.name() + " needs the epoll or io_uring transport (SO_ORIGINAL_DST), and this process runs NIO"));
                } else if (f.kind() != ListenerFilterSpec.Kind.ORIGINAL_DST
                        && f.kind() != ListenerFilterSpec.Kind.TLS_INSPECTOR) {
                    problems.add(problem(snapshot, l, field(at, "listener_filters[" + j + "]"), "listener filter "
                            + f.name() + " (" + f.kind() + ") is not supported by the data path yet"));
                }
            }
            // Envoy adds the original_dst listener filter itself when use_original_dst is set.
            if (l.useOriginalDst() && !nativeTransport) {
                problems.add(problem(snapshot, l, field(at, "use_original_dst"),
                        "true needs the epoll or io_uring transport (SO_ORIGINAL_DST), and this process runs NIO"));
            }
            if (l.transparent() && !nativeTransport) {
                problems.add(problem(snapshot, l, field(at, "transparent"),
                        "true needs the epoll or io_uring transport (IP_TRANSPARENT), and this process runs NIO"));
            }
            List<FilterChainSelector.Candidate<ChainRuntime>> candidates = new ArrayList<>();
            for (int j = 0; j < l.filterChains().size(); j++) {
                FilterChainSpec chain = l.filterChains().get(j);
                ChainRuntime runtime = chain(snapshot, l, chain, field(at, "filter_chains[" + j + "]"), clusters, stats,
                        tcpStats, tls, problems, tcpInstaller, http);
                if (runtime != null) {
                    candidates.add(new FilterChainSelector.Candidate<>(chain.match(), runtime));
                }
            }
            ChainRuntime defaultRoute = l.defaultFilterChain() == null ? null
                    : chain(snapshot, l, l.defaultFilterChain(), field(at, "default_filter_chain"), clusters, stats,
                    tcpStats, tls, problems, tcpInstaller, http);
            if (problems.size() > before) {
                continue;
            }
            ListenerStats ls = listenerStats.computeIfAbsent(l.address().address() + "_" + l.address().port(),
                    k -> ListenerStats.bind(stats, l.address().address(), l.address().port()));
            out.add(new ListenerRuntime(l, ls, new FilterChainSelector<>(candidates, defaultRoute)));
        }
        return out;
    }

    /** A chain: its TLS (if any), its RBAC filter (if any) and its terminal tcp_proxy or http_connection_manager. */
    private static ChainRuntime chain(ConfigSnapshot snapshot, ListenerSpec l, FilterChainSpec chain, String at,
                                      ClusterManager clusters, Stats stats, Map<String, TcpProxyStats> tcpStats,
                                      TlsRuntime tls, List<ConfigProblem> problems, TcpProxyInstaller tcpInstaller,
                                      HttpContext http) {
        int before = problems.size();
        RbacFilter rbac = null;
        NetworkChain terminal = null;
        for (int i = 0; i < chain.filters().size(); i++) {
            NetworkFilterSpec filter = chain.filters().get(i);
            String fp = field(at, "filters[" + i + "]");
            if (terminal != null) {
                problems.add(problem(snapshot, l, fp, "a network filter after the terminal one (expected: the "
                        + "tcp_proxy or http_connection_manager last)"));
                break;
            }
            switch (filter) {
                case RbacSpec r -> {
                    if (rbac != null) {
                        problems.add(problem(snapshot, l, fp, "a second network rbac filter (expected: at most one per chain)"));
                    }
                    rbac = new RbacFilter(r, stats);
                }
                case TcpProxySpec tcp -> {
                    List<TcpProxyRoute.Weighted> weighted = new ArrayList<>();
                    for (WeightedClusterSpec w : tcp.clusters()) {
                        weighted.add(new TcpProxyRoute.Weighted(w.name(), clusters.get(w.name()), w.weight()));
                    }
                    TcpProxyStats ts = tcpStats.computeIfAbsent(tcp.statPrefix(), p -> TcpProxyStats.bind(stats, p));
                    TcpProxyRoute route = new TcpProxyRoute(tcp.statPrefix(), ts, weighted, tcp.idleTimeout());
                    terminal = new NetworkChain() {
                        @Override
                        public void install(io.netty.channel.Channel ch, java.net.InetSocketAddress original) {
                            tcpInstaller.install(ch, route, original);
                        }

                        @Override
                        public void installAndStart(io.netty.channel.Channel ch, java.net.InetSocketAddress original) {
                            tcpInstaller.installAndStart(ch, route, original);
                        }
                    };
                }
                case HttpConnectionManagerSpec hcm -> {
                    try {
                        HttpChain httpChain = new HttpChain(hcm, http);
                        terminal = (ch, original) -> HttpInstaller.install(ch, httpChain, original);
                    } catch (IllegalArgumentException e) {
                        problems.add(problem(snapshot, l, field(fp, "typed_config"), e.getMessage()));
                    }
                }
            }
        }
        if (terminal == null && problems.size() == before) {
            problems.add(problem(snapshot, l, field(at, "filters"),
                    "no terminal filter (expected: a tcp_proxy or an http_connection_manager, last)"));
        }
        DownstreamTls downstreamTls = null;
        if (chain.tls() != null) {
            String tp = field(at, "transport_socket.typed_config");
            downstreamTls = tls.downstream(l.address().address(), l.address().port(), chain.tls(),
                    m -> problems.add(problem(snapshot, l, tp, m)));
        }
        return problems.size() > before ? null : new ChainRuntime(chain.name(), downstreamTls, rbac, terminal);
    }

    /**
     * Gives every TLS cluster its transport socket; a cluster whose TLS cannot be built is a problem.
     */
    static void clusterTls(ConfigSnapshot snapshot, ClusterManager clusters, TlsRuntime tls, List<ConfigProblem> problems) {
        for (int i = 0; i < snapshot.clusters().size(); i++) {
            String name = snapshot.clusters().get(i).name();
            ClusterRuntime runtime = clusters.get(name);
            if (runtime == null) {
                continue; // rejected without a previous version (already reported)
            }
            // The runtime's own spec: a rejected cluster keeps its previous version, and that version's TLS.
            ClusterSpec c = runtime.spec();
            if (c.tls() == null) {
                runtime.transportSocket(null);
                continue;
            }
            String at = ("static".equals(snapshot.versionInfo()) ? "static_resources.clusters[" + i + "]." : "")
                    + "transport_socket.typed_config";
            UpstreamTls u = tls.upstream(name, c.tls(),
                    m -> problems.add(new ConfigProblem(snapshot.source(), "Cluster", name, at, m)));
            // A TLS cluster whose TLS cannot be built must never fall back to plaintext: its connections fail.
            runtime.transportSocket(u != null ? u : (ch, host) -> ch.eventLoop().newFailedFuture(
                    new SSLException("cluster " + name + ": its TLS context could not be built")));
        }
    }

    private static String field(String at, String rest) {
        return at.isEmpty() ? rest : at + "." + rest;
    }

    private static ConfigProblem problem(ConfigSnapshot snapshot, ListenerSpec l, String field, String message) {
        return new ConfigProblem(snapshot.source(), "Listener", l.name(), field, message);
    }
}
