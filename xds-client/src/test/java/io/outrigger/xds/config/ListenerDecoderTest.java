package io.outrigger.xds.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.github.udpa.udpa.type.v1.TypedStruct;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import io.outrigger.xds.snapshot.ListenerFilterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Listener validator, driven directly with protos as they arrive over LDS. */
class ListenerDecoderTest {
    private static Address address(String ip, int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
    }

    private static Filter tcpProxy(String cluster) {
        return Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
                .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix("s").setCluster(cluster).build())).build();
    }

    private static Listener.Builder listener() {
        return Listener.newBuilder().setName("l").setAddress(address("0.0.0.0", 15006));
    }

    @Test
    void inboundListenerWithInspectorsAndMatchesDecodes() throws ConfigException {
        Listener l = listener()
                .setBindToPort(BoolValue.of(false))
                .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.tls_inspector")
                        .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())))
                .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.http_inspector")
                        .setTypedConfig(Any.pack(HttpInspector.getDefaultInstance())))
                .addFilterChains(FilterChain.newBuilder()
                        .setFilterChainMatch(FilterChainMatch.newBuilder()
                                .setDestinationPort(UInt32Value.of(9080))
                                .addPrefixRanges(CidrRange.newBuilder().setAddressPrefix("fd00::").setPrefixLen(UInt32Value.of(8)))
                                .addServerNames("reviews.default.svc")
                                .setTransportProtocol("tls")
                                .addApplicationProtocols("istio-peer-exchange"))
                        .addFilters(tcpProxy("inbound|9080||")))
                .build();
        ListenerSpec spec = ResourceDecoders.listener(l, "xds");
        assertThat(spec.bindToPort()).isFalse();
        assertThat(spec.useOriginalDst()).isFalse();
        assertThat(spec.listenerFilters()).extracting(ListenerFilterSpec::kind)
                .containsExactly(ListenerFilterSpec.Kind.TLS_INSPECTOR, ListenerFilterSpec.Kind.HTTP_INSPECTOR);
        assertThat(spec.filterChains().get(0).match()).isEqualTo(new FilterChainMatchSpec(9080, List.of("fd00::/8"),
                List.of("reviews.default.svc"), "tls", List.of("istio-peer-exchange")));
        assertThat(((TcpProxySpec) spec.filterChains().get(0).filters().get(0)).clusters())
                .containsExactly(new WeightedClusterSpec("inbound|9080||", 1));
        assertThat(spec.defaultFilterChain()).isNull();
    }

    @Test
    void listenerFilterNamedWithoutTypedConfigIsFoundByItsWellKnownName() throws ConfigException {
        Listener l = listener().addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.original_dst"))
                .addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("c"))).build();
        assertThat(ResourceDecoders.listener(l, "xds").listenerFilters()).singleElement()
                .isEqualTo(new ListenerFilterSpec("envoy.filters.listener.original_dst", ListenerFilterSpec.Kind.ORIGINAL_DST));
    }

    @Test
    void tlsTransportSocketWithoutACertificateIsRejectedWithItsPath() {
        Listener l = listener().addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("c"))
                .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                        .setTypedConfig(Any.pack(DownstreamTlsContext.getDefaultInstance())))).build();
        assertThatThrownBy(() -> ResourceDecoders.listener(l, "xds"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("xds: Listener \"l\": filter_chains[0].transport_socket.typed_config.common_tls_context: "
                        + "no certificate");
    }

    @Test
    void tcpProxyFollowedByAnotherFilterIsRejectedBecauseItIsTerminal() {
        Listener l = listener().addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("a")).addFilters(tcpProxy("b"))).build();
        Problems p = new Problems("xds", "Listener");
        assertThat(ListenerDecoder.decode(l, "", p)).isNull();
        assertThat(p.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("filter_chains[0].filters[0]");
            assertThat(e.message()).contains("must be the last filter");
        });
    }

    @Test
    void typedStructWrappingAnIstioFilterIsNamedInTheReason() {
        Any istio = Any.pack(TypedStruct.newBuilder().setTypeUrl("type.googleapis.com/io.istio.http.peer_metadata.Config")
                .setValue(Struct.getDefaultInstance()).build());
        Listener l = listener().addFilterChains(FilterChain.newBuilder()
                .addFilters(Filter.newBuilder().setName("istio.peer_metadata").setTypedConfig(istio))).build();
        Problems p = new Problems("xds", "Listener");
        assertThat(ListenerDecoder.decode(l, "", p)).isNull();
        assertThat(p.errors()).singleElement().extracting(ConfigProblem::message).asString()
                .contains("udpa.type.v1.TypedStruct wrapping io.istio.http.peer_metadata.Config (an Istio-specific extension)");
    }

    @Test
    void twoChainsWithTheSameMatchAreRejectedAsInEnvoy() {
        FilterChainMatch m = FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(80)).build();
        Listener l = listener()
                .addFilterChains(FilterChain.newBuilder().setFilterChainMatch(m).addFilters(tcpProxy("a")))
                .addFilterChains(FilterChain.newBuilder().setFilterChainMatch(m).addFilters(tcpProxy("b"))).build();
        Problems p = new Problems("xds", "Listener");
        assertThat(ListenerDecoder.decode(l, "", p)).isNull();
        assertThat(p.errors()).singleElement().extracting(ConfigProblem::field).isEqualTo("filter_chains[1].filter_chain_match");
    }

    @Test
    void listenerAddressMustBeAnIpLiteral() {
        Listener l = Listener.newBuilder().setName("l").setAddress(address("localhost", 80))
                .addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("c"))).build();
        Problems p = new Problems("xds", "Listener");
        assertThat(ListenerDecoder.decode(l, "", p)).isNull();
        assertThat(p.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("address.socket_address.address");
            assertThat(e.message()).startsWith("\"localhost\" is not an IP address (a listener needs an IP literal");
        });
    }

    @Test
    void tcpProxyWithoutStatPrefixOrClusterIsRejectedNamingBoth() {
        Filter f = Filter.newBuilder().setName("t").setTypedConfig(Any.pack(TcpProxy.getDefaultInstance())).build();
        Listener l = listener().addFilterChains(FilterChain.newBuilder().addFilters(f)).build();
        Problems p = new Problems("xds", "Listener");
        assertThat(ListenerDecoder.decode(l, "", p)).isNull();
        assertThat(p.errors()).extracting(ConfigProblem::field).containsExactly(
                "filter_chains[0].filters[0].typed_config.stat_prefix", "filter_chains[0].filters[0].typed_config.cluster");
    }

    @Test
    void xdsListenerWithoutANameIsRejected() {
        Listener l = Listener.newBuilder().setAddress(address("0.0.0.0", 80))
                .addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("c"))).build();
        assertThatThrownBy(() -> ResourceDecoders.listener(l, "xds")).isInstanceOf(ConfigException.class)
                .hasMessage("xds: name: missing (expected: a non-empty listener name, the xDS resource name)");
    }

    @Test
    void transparentVirtualInboundListenerDecodesForTproxy() throws ConfigException {
        // Istio's virtualInbound in TPROXY mode: transparent, original_dst filter, use_original_dst unset.
        Listener l = listener().setTransparent(BoolValue.of(true))
                .addListenerFilters(ListenerFilter.newBuilder().setName("envoy.filters.listener.original_dst"))
                .addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("InboundPassthroughCluster"))).build();
        ListenerSpec spec = ResourceDecoders.listener(l, "xds");
        assertThat(spec.transparent()).isTrue();
        assertThat(spec.useOriginalDst()).isFalse();
        assertThat(spec.restoresOriginalDst()).isTrue();
    }

    @Test
    void useOriginalDstImpliesTheOriginalDstListenerFilterAsInEnvoy() throws ConfigException {
        Listener l = listener().setUseOriginalDst(BoolValue.of(true))
                .addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("PassthroughCluster"))).build();
        ListenerSpec spec = ResourceDecoders.listener(l, "xds");
        assertThat(spec.listenerFilters()).isEmpty();
        assertThat(spec.restoresOriginalDst()).isTrue();
        assertThat(spec.transparent()).isFalse();
    }

    @Test
    void plainListenerDoesNotRestoreTheOriginalDestination() throws ConfigException {
        Listener l = listener().addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("c"))).build();
        assertThat(ResourceDecoders.listener(l, "xds").restoresOriginalDst()).isFalse();
    }
}
