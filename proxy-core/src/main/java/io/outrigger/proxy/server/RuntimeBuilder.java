package io.outrigger.proxy.server;

import io.outrigger.proxy.cluster.ClusterManager;
import io.outrigger.proxy.http.HttpChain;
import io.outrigger.proxy.http.HttpContext;
import io.outrigger.proxy.http.HttpInstaller;
import io.outrigger.proxy.listener.FilterChainSelector;
import io.outrigger.proxy.listener.ListenerRuntime;
import io.outrigger.proxy.listener.NetworkChain;
import io.outrigger.proxy.stats.ListenerStats;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.proxy.stats.TcpProxyStats;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import io.outrigger.proxy.tcp.TcpProxyRoute;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.ListenerFilterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.NetworkFilterSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
     * @param problems receives one problem per unsupported feature; when it is not empty on return
     *                 the result must not be used
     */
    static List<ListenerRuntime> listeners(ConfigSnapshot snapshot, ClusterManager clusters, Stats stats,
                                           boolean nativeTransport, List<ConfigProblem> problems,
                                           TcpProxyInstaller tcpInstaller, HttpContext http) {
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
                } else if (f.kind() != ListenerFilterSpec.Kind.ORIGINAL_DST) {
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
            List<FilterChainSelector.Candidate<NetworkChain>> candidates = new ArrayList<>();
            for (int j = 0; j < l.filterChains().size(); j++) {
                FilterChainSpec chain = l.filterChains().get(j);
                NetworkChain route = route(snapshot, l, chain, field(at, "filter_chains[" + j + "]"), clusters, stats,
                        tcpStats, problems, tcpInstaller, http);
                if (route != null) {
                    candidates.add(new FilterChainSelector.Candidate<>(chain.match(), route));
                }
            }
            NetworkChain defaultRoute = l.defaultFilterChain() == null ? null
                    : route(snapshot, l, l.defaultFilterChain(), field(at, "default_filter_chain"), clusters, stats,
                    tcpStats, problems, tcpInstaller, http);
            if (problems.size() > before) {
                continue;
            }
            ListenerStats ls = listenerStats.computeIfAbsent(l.address().address() + "_" + l.address().port(),
                    k -> ListenerStats.bind(stats, l.address().address(), l.address().port()));
            out.add(new ListenerRuntime(l, ls, new FilterChainSelector<>(candidates, defaultRoute)));
        }
        return out;
    }

    private static NetworkChain route(ConfigSnapshot snapshot, ListenerSpec l, FilterChainSpec chain, String at,
                                      ClusterManager clusters, Stats stats, Map<String, TcpProxyStats> tcpStats,
                                      List<ConfigProblem> problems, TcpProxyInstaller tcpInstaller, HttpContext http) {
        if (chain.filters().size() != 1) {
            problems.add(problem(snapshot, l, field(at, "filters"), chain.filters().size()
                    + " network filters (expected: exactly one, a tcp_proxy or an http_connection_manager; filter stacks are not supported yet)"));
            return null;
        }
        NetworkFilterSpec filter = chain.filters().getFirst();
        return switch (filter) {
            case TcpProxySpec tcp -> {
                List<TcpProxyRoute.Weighted> weighted = new ArrayList<>();
                for (WeightedClusterSpec w : tcp.clusters()) {
                    weighted.add(new TcpProxyRoute.Weighted(w.name(), clusters.get(w.name()), w.weight()));
                }
                TcpProxyStats ts = tcpStats.computeIfAbsent(tcp.statPrefix(), p -> TcpProxyStats.bind(stats, p));
                TcpProxyRoute route = new TcpProxyRoute(tcp.statPrefix(), ts, weighted, tcp.idleTimeout());
                yield (ch, original) -> tcpInstaller.install(ch, route, original);
            }
            case HttpConnectionManagerSpec hcm -> {
                try {
                    HttpChain httpChain = new HttpChain(hcm, http);
                    yield (ch, original) -> HttpInstaller.install(ch, httpChain, original);
                } catch (IllegalArgumentException e) {
                    problems.add(problem(snapshot, l, field(at, "filters[0].typed_config"), e.getMessage()));
                    yield null;
                }
            }
        };
    }

    private static String field(String at, String rest) {
        return at.isEmpty() ? rest : at + "." + rest;
    }

    private static ConfigProblem problem(ConfigSnapshot snapshot, ListenerSpec l, String field, String message) {
        return new ConfigProblem(snapshot.source(), "Listener", l.name(), field, message);
    }
}
