package io.outrigger.xds.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC;
import io.outrigger.xds.snapshot.DownstreamTlsSpec;
import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.ListenerFilterSpec;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.NetworkFilterSpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code listener.v3.Listener}: from {@code static_resources.listeners} or LDS. */
final class ListenerDecoder {
    private static final Set<String> FIELDS = Set.of("name", "address", "filter_chains", "default_filter_chain",
            "listener_filters", "use_original_dst", "bind_to_port", "transparent");
    private static final Map<String, String> IGNORED = Map.of(
            "traffic_direction", "Envoy uses it only for tracing and access-log metadata",
            "stat_prefix", "listener statistics are named by the listener's address, as Envoy does without stat_prefix",
            "metadata", "read only by filters Outrigger does not implement",
            "access_log", "access logging is not implemented");
    private static final Set<String> CHAIN_FIELDS = Set.of("name", "filter_chain_match", "filters", "transport_socket");
    private static final Map<String, String> CHAIN_IGNORED = Map.of(
            "metadata", "read only by filters Outrigger does not implement");
    private static final Set<String> MATCH_FIELDS = Set.of("destination_port", "prefix_ranges", "server_names",
            "transport_protocol", "application_protocols");
    private static final Set<String> EXTENSION_FIELDS = Set.of("name", "typed_config");

    private static final Map<String, ListenerFilterSpec.Kind> LISTENER_FILTERS = Map.of(
            MessageTypes.typeUrl(OriginalDst.getDescriptor()), ListenerFilterSpec.Kind.ORIGINAL_DST,
            MessageTypes.typeUrl(TlsInspector.getDescriptor()), ListenerFilterSpec.Kind.TLS_INSPECTOR,
            MessageTypes.typeUrl(HttpInspector.getDescriptor()), ListenerFilterSpec.Kind.HTTP_INSPECTOR);
    /** Envoy's well-known names, still accepted without a typed_config. */
    private static final Map<String, String> LISTENER_FILTER_NAMES = Map.of(
            "envoy.filters.listener.original_dst", MessageTypes.typeUrl(OriginalDst.getDescriptor()),
            "envoy.filters.listener.tls_inspector", MessageTypes.typeUrl(TlsInspector.getDescriptor()),
            "envoy.filters.listener.http_inspector", MessageTypes.typeUrl(HttpInspector.getDescriptor()));
    private static final String TCP_PROXY = MessageTypes.typeUrl(TcpProxy.getDescriptor());

    private ListenerDecoder() {
    }

    /** The listener, or {@code null} when any problem was added to {@code problems}. */
    static ListenerSpec decode(Listener listener, String path, Problems problems) {
        problems.enter("Listener", listener.getName());
        int before = problems.errorCount();
        Supported.check(listener, path, problems, FIELDS, IGNORED);
        SocketAddressSpec address = null;
        if (!listener.hasAddress()) {
            problems.error(Problems.path(path, "address"), "missing (expected e.g. socket_address: {address: 0.0.0.0, port_value: 15001})");
        } else {
            address = Addresses.socket(listener.getAddress(), Problems.path(path, "address"), problems,
                    Addresses.Form.IP_LITERAL, 0, "a listener");
        }
        String name = listener.getName();
        if (name.isEmpty() && address != null) {
            // Envoy names an unnamed static listener itself; the address form is what Istio uses.
            name = address.address() + "_" + address.port();
        }
        List<ListenerFilterSpec> listenerFilters = new ArrayList<>();
        for (int i = 0; i < listener.getListenerFiltersCount(); i++) {
            ListenerFilterSpec f = listenerFilter(listener.getListenerFilters(i), Problems.path(path, "listener_filters[" + i + "]"), problems);
            if (f != null) {
                listenerFilters.add(f);
            }
        }
        List<FilterChainSpec> chains = new ArrayList<>();
        for (int i = 0; i < listener.getFilterChainsCount(); i++) {
            FilterChainSpec c = chain(listener.getFilterChains(i), Problems.path(path, "filter_chains[" + i + "]"), problems, true);
            if (c != null) {
                chains.add(c);
            }
        }
        FilterChainSpec defaultChain = null;
        if (listener.hasDefaultFilterChain()) {
            defaultChain = chain(listener.getDefaultFilterChain(), Problems.path(path, "default_filter_chain"), problems, false);
        }
        if (listener.getFilterChainsCount() == 0 && !listener.hasDefaultFilterChain()) {
            problems.error(Problems.path(path, "filter_chains"), "empty (expected at least one filter chain, or a default_filter_chain)");
        }
        checkDistinctMatches(listener, path, problems);
        boolean bindToPort = !listener.hasBindToPort() || listener.getBindToPort().getValue();
        boolean useOriginalDst = listener.hasUseOriginalDst() && listener.getUseOriginalDst().getValue();
        boolean transparent = listener.hasTransparent() && listener.getTransparent().getValue();
        if (problems.errorCount() > before) {
            return null;
        }
        return new ListenerSpec(name, address, bindToPort, useOriginalDst, listenerFilters, chains, defaultChain,
                transparent);
    }

    /** Envoy rejects a listener where two filter chains have the same match ("multiple filter chains with the same matching rules"). */
    private static void checkDistinctMatches(Listener listener, String path, Problems problems) {
        Map<FilterChainMatch, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < listener.getFilterChainsCount(); i++) {
            FilterChainMatch m = listener.getFilterChains(i).getFilterChainMatch();
            Integer earlier = seen.putIfAbsent(m, i);
            if (earlier != null) {
                problems.error(Problems.path(path, "filter_chains[" + i + "].filter_chain_match"),
                        "the same matching rules as filter_chains[" + earlier + "] (expected: distinct filter_chain_match per chain)");
            }
        }
    }

    private static ListenerFilterSpec listenerFilter(ListenerFilter filter, String path, Problems problems) {
        Supported.check(filter, path, problems, EXTENSION_FIELDS);
        String typeUrl = filter.hasTypedConfig() ? filter.getTypedConfig().getTypeUrl() : LISTENER_FILTER_NAMES.get(filter.getName());
        ListenerFilterSpec.Kind kind = typeUrl == null ? null : LISTENER_FILTERS.get(typeUrl);
        String cp = Problems.path(path, "typed_config");
        if (kind == null) {
            problems.error(filter.hasTypedConfig() ? cp : Problems.path(path, "name"), "unsupported listener filter \""
                    + filter.getName() + "\"" + (typeUrl == null ? " without typed_config" : " of type " + MessageTypes.fullName(typeUrl))
                    + (typeUrl != null && MessageTypes.isIstio(typeUrl) ? " (an Istio-specific extension)" : "")
                    + " (Outrigger implements: " + String.join(", ", LISTENER_FILTERS.keySet().stream().map(MessageTypes::fullName).sorted().toList()) + ")");
            return null;
        }
        if (filter.hasTypedConfig()) {
            Message config = unpack(filter.getTypedConfig(), switch (kind) {
                case ORIGINAL_DST -> OriginalDst.getDefaultInstance();
                case TLS_INSPECTOR -> TlsInspector.getDefaultInstance();
                case HTTP_INSPECTOR -> HttpInspector.getDefaultInstance();
            }, cp, problems);
            if (config == null) {
                return null;
            }
            int before = problems.errorCount();
            Supported.check(config, cp, problems, Set.of());
            if (problems.errorCount() > before) {
                return null;
            }
        }
        return new ListenerFilterSpec(filter.getName(), kind);
    }

    private static FilterChainSpec chain(FilterChain chain, String path, Problems problems, boolean matchAllowed) {
        int before = problems.errorCount();
        Supported.check(chain, path, problems, CHAIN_FIELDS, CHAIN_IGNORED);
        FilterChainMatchSpec match = FilterChainMatchSpec.ANY;
        if (chain.hasFilterChainMatch()) {
            String mp = Problems.path(path, "filter_chain_match");
            if (!matchAllowed) {
                problems.warn(mp, "ignored: the default filter chain is used when no other chain matches");
            } else {
                match = match(chain.getFilterChainMatch(), mp, problems);
            }
        }
        DownstreamTlsSpec tls = null;
        if (chain.hasTransportSocket()) {
            tls = TlsDecoder.downstream(chain.getTransportSocket(), Problems.path(path, "transport_socket"), problems);
        }
        List<NetworkFilterSpec> filters = new ArrayList<>();
        if (chain.getFiltersCount() == 0) {
            problems.error(Problems.path(path, "filters"), "empty (expected a terminal network filter: envoy.filters.network.tcp_proxy or envoy.filters.network.http_connection_manager)");
        }
        for (int i = 0; i < chain.getFiltersCount(); i++) {
            String fp = Problems.path(path, "filters[" + i + "]");
            NetworkFilterSpec f = networkFilter(chain.getFilters(i), fp, problems);
            if (f != null) {
                filters.add(f);
                boolean terminal = f instanceof TcpProxySpec || f instanceof HttpConnectionManagerSpec;
                if (terminal && i < chain.getFiltersCount() - 1) {
                    // tcp_proxy and http_connection_manager are terminal in Envoy: last in their chain.
                    problems.error(fp, "terminal filter \"" + f.name() + "\" must be the last filter in a network filter chain");
                } else if (!terminal && i == chain.getFiltersCount() - 1) {
                    problems.error(fp, "non-terminal filter \"" + f.name() + "\" is the last filter in a network filter chain"
                            + " (expected: a terminal filter, envoy.filters.network.tcp_proxy or"
                            + " envoy.filters.network.http_connection_manager, after it)");
                }
            }
        }
        if (problems.errorCount() > before) {
            return null;
        }
        return new FilterChainSpec(chain.getName(), match, filters, tls);
    }

    private static FilterChainMatchSpec match(FilterChainMatch m, String path, Problems problems) {
        Supported.check(m, path, problems, MATCH_FIELDS);
        Integer port = null;
        if (m.hasDestinationPort()) {
            long p = Integer.toUnsignedLong(m.getDestinationPort().getValue());
            if (p < 1 || p > 65535) {
                problems.error(Problems.path(path, "destination_port"), p + " (expected: 1-65535)");
            } else {
                port = (int) p;
            }
        }
        List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < m.getPrefixRangesCount(); i++) {
            String c = Addresses.cidr(m.getPrefixRanges(i), Problems.path(path, "prefix_ranges[" + i + "]"), problems);
            if (c != null) {
                prefixes.add(c);
            }
        }
        String transport = m.getTransportProtocol().isEmpty() ? null : m.getTransportProtocol();
        if (transport != null && !transport.equals("tls") && !transport.equals("raw_buffer")) {
            problems.error(Problems.path(path, "transport_protocol"), "\"" + transport + "\" (expected: tls or raw_buffer)");
        }
        return new FilterChainMatchSpec(port, prefixes, m.getServerNamesList(), transport, m.getApplicationProtocolsList());
    }

    private static NetworkFilterSpec networkFilter(Filter filter, String path, Problems problems) {
        Supported.check(filter, path, problems, EXTENSION_FIELDS);
        String cp = Problems.path(path, "typed_config");
        if (!filter.hasTypedConfig()) {
            problems.error(cp, "missing for network filter \"" + filter.getName() + "\" (expected: \"@type\": " + TCP_PROXY + ")");
            return null;
        }
        String typeUrl = filter.getTypedConfig().getTypeUrl();
        if (typeUrl.equals(HttpConnectionManagerDecoder.TYPE_URL)) {
            var hcm = unpack(filter.getTypedConfig(),
                    io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.getDefaultInstance(),
                    cp, problems);
            return hcm == null ? null : HttpConnectionManagerDecoder.decode(filter.getName(), hcm, cp, problems);
        }
        if (typeUrl.equals(RbacDecoder.TYPE)) {
            RBAC rbac = unpack(filter.getTypedConfig(), RBAC.getDefaultInstance(), cp, problems);
            return rbac == null ? null : RbacDecoder.decode(filter.getName(), rbac, cp, problems);
        }
        if (!typeUrl.equals(TCP_PROXY)) {
            problems.error(cp, "unsupported network filter \"" + filter.getName() + "\" of type " + extensionName(filter.getTypedConfig())
                    + " (Outrigger implements: " + MessageTypes.fullName(RbacDecoder.TYPE) + ", " + MessageTypes.fullName(TCP_PROXY) + ", "
                    + MessageTypes.fullName(HttpConnectionManagerDecoder.TYPE_URL) + ")");
            return null;
        }
        TcpProxy tcp = unpack(filter.getTypedConfig(), TcpProxy.getDefaultInstance(), cp, problems);
        return tcp == null ? null : TcpProxyDecoder.decode(filter.getName(), tcp, cp, problems);
    }

    /** The type of an extension for messages, looking inside TypedStruct and naming Istio's own types. */
    static String extensionName(Any any) {
        String name = MessageTypes.fullName(any.getTypeUrl());
        if (name.equals("udpa.type.v1.TypedStruct") || name.equals("xds.type.v3.TypedStruct")) {
            try {
                String inner = name.startsWith("udpa")
                        ? com.github.udpa.udpa.type.v1.TypedStruct.parseFrom(any.getValue()).getTypeUrl()
                        : com.github.xds.type.v3.TypedStruct.parseFrom(any.getValue()).getTypeUrl();
                name = name + " wrapping " + MessageTypes.fullName(inner);
                if (MessageTypes.isIstio(inner)) {
                    name = name + " (an Istio-specific extension)";
                }
                return name;
            } catch (InvalidProtocolBufferException e) {
                return name;
            }
        }
        return MessageTypes.isIstio(name) ? name + " (an Istio-specific extension)" : name;
    }

    @SuppressWarnings("unchecked")
    static <T extends Message> T unpack(Any any, T prototype, String path, Problems problems) {
        try {
            return (T) prototype.getParserForType().parseFrom(any.getValue());
        } catch (InvalidProtocolBufferException e) {
            problems.error(path, "not a valid " + prototype.getDescriptorForType().getFullName() + ": " + e.getMessage());
            return null;
        }
    }
}
