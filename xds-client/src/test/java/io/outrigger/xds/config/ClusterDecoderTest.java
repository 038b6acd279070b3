package io.outrigger.xds.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.ExtraSourceAddress;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ClusterSpec.DiscoveryType;
import io.outrigger.xds.snapshot.ClusterSpec.LbPolicyName;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import io.outrigger.xds.snapshot.UpstreamBindSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Cluster validator, driven directly with protos as they arrive over CDS. */
class ClusterDecoderTest {
    private static LbEndpoint endpoint(String host, int port) {
        return LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port)))).build();
    }

    private static ClusterLoadAssignment assignment(String name, LbEndpoint... endpoints) {
        return ClusterLoadAssignment.newBuilder().setClusterName(name)
                .addEndpoints(LocalityLbEndpoints.newBuilder().addAllLbEndpoints(List.of(endpoints))).build();
    }

    private static Problems problems() {
        return new Problems("xds", "Cluster");
    }

    @Test
    void edsClusterTakesItsAssignmentNameFromServiceName() {
        Cluster c = Cluster.newBuilder().setName("outbound|80||reviews").setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName("reviews.default")
                        .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
                .build();
        Problems p = problems();
        ClusterSpec spec = ClusterDecoder.decode(c, "", p);
        assertThat(p.errors()).isEmpty();
        assertThat(spec.type()).isEqualTo(DiscoveryType.EDS);
        assertThat(spec.loadAssignment().clusterName()).isEqualTo("reviews.default");
        assertThat(spec.loadAssignment().localities()).isEmpty();
    }

    @Test
    void edsClusterWithoutServiceNameUsesTheClusterName() {
        Cluster c = Cluster.newBuilder().setName("backend").setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
                .build();
        assertThat(ClusterDecoder.decode(c, "", problems()).loadAssignment().clusterName()).isEqualTo("backend");
    }

    @Test
    void originalDstClusterRequiresClusterProvidedAsEnvoyDoes() {
        Problems p = problems();
        Cluster c = Cluster.newBuilder().setName("passthrough").setType(Cluster.DiscoveryType.ORIGINAL_DST).build();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("lb_policy");
            assertThat(e.resourceName()).isEqualTo("passthrough");
            assertThat(e.message()).startsWith("LB policy ROUND_ROBIN is not valid for Cluster type ORIGINAL_DST");
        });
    }

    @Test
    void clusterProvidedIsOnlyValidWithOriginalDst() {
        Problems p = problems();
        Cluster c = Cluster.newBuilder().setName("s").setType(Cluster.DiscoveryType.STATIC)
                .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("LB policy CLUSTER_PROVIDED is not valid for Cluster type STATIC");
    }

    @Test
    void originalDstClusterMustNotHaveALoadAssignment() {
        Problems p = problems();
        Cluster c = Cluster.newBuilder().setName("o").setType(Cluster.DiscoveryType.ORIGINAL_DST)
                .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).setLoadAssignment(assignment("o", endpoint("10.0.0.1", 80))).build();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).singleElement().extracting(ConfigProblem::field).isEqualTo("load_assignment");
    }

    @Test
    void logicalDnsClusterMustHaveExactlyOneHost() {
        Problems p = problems();
        Cluster c = Cluster.newBuilder().setName("l").setType(Cluster.DiscoveryType.LOGICAL_DNS)
                .setLoadAssignment(assignment("l", endpoint("a.example", 80), endpoint("b.example", 80))).build();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("load_assignment.endpoints");
            assertThat(e.message()).isEqualTo("LOGICAL_DNS clusters must have a single locality_lb_endpoint and a single lb_endpoint");
        });
    }

    @Test
    void typedLoadBalancingPolicyWithoutSettingsMapsToThePolicyName() {
        Cluster c = Cluster.newBuilder().setName("m").setType(Cluster.DiscoveryType.STATIC)
                .setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder()
                        .addPolicies(policy(Any.pack(Maglev.getDefaultInstance())))
                        .addPolicies(policy(Any.pack(LeastRequest.getDefaultInstance()))))
                .build();
        Problems p = problems();
        assertThat(ClusterDecoder.decode(c, "", p).lbPolicy()).as("the first policy in the list wins, as in Envoy")
                .isEqualTo(LbPolicyName.MAGLEV);
        assertThat(p.errors()).isEmpty();
    }

    @Test
    void typedLoadBalancingPolicySettingsAreReportedAsUnsupported() {
        Cluster c = Cluster.newBuilder().setName("m").setType(Cluster.DiscoveryType.STATIC)
                .setLoadBalancingPolicy(LoadBalancingPolicy.newBuilder().addPolicies(policy(Any.pack(
                        LeastRequest.newBuilder().setChoiceCount(UInt32Value.of(3)).build()))))
                .build();
        Problems p = problems();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).singleElement().extracting(ConfigProblem::field)
                .isEqualTo("load_balancing_policy.policies[0].typed_extension_config.typed_config.choice_count");
    }

    @Test
    void zeroConnectTimeoutIsRejectedBecauseEnvoyRequiresItPositive() {
        Problems p = problems();
        Cluster c = Cluster.newBuilder().setName("z").setConnectTimeout(Duration.getDefaultInstance()).build();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).singleElement().extracting(ConfigProblem::message).isEqualTo("0s (expected: > 0s)");
    }

    @Test
    void everyProblemOfAClusterIsReportedAtOnce() {
        Problems p = problems();
        Cluster c = Cluster.newBuilder().setName("bad").setType(Cluster.DiscoveryType.STATIC)
                .setPerConnectionBufferLimitBytes(UInt32Value.of(1024))
                .setLoadAssignment(assignment("bad", endpoint("not an ip", 80), endpoint("10.0.0.1", 99999)))
                .build();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).extracting(ConfigProblem::field).containsExactly(
                "per_connection_buffer_limit_bytes",
                "load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address",
                "load_assignment.endpoints[0].lb_endpoints[1].endpoint.address.socket_address.port_value");
    }

    private static LoadBalancingPolicy.Policy policy(Any config) {
        return LoadBalancingPolicy.Policy.newBuilder()
                .setTypedExtensionConfig(TypedExtensionConfig.newBuilder().setName("p").setTypedConfig(config)).build();
    }

    private static BindConfig.Builder bind(String source) {
        return BindConfig.newBuilder().setSourceAddress(SocketAddress.newBuilder().setAddress(source).setPortValue(0));
    }

    private static ExtraSourceAddress extra(String address) {
        return ExtraSourceAddress.newBuilder()
                .setAddress(SocketAddress.newBuilder().setAddress(address).setPortValue(0)).build();
    }

    @Test
    void istioInboundPassthroughClusterDecodesWithItsDualStackBindSources() {
        // Istio's InboundPassthroughCluster: ORIGINAL_DST, CLUSTER_PROVIDED, bound to 127.0.0.6 / ::6.
        Cluster c = Cluster.newBuilder().setName("InboundPassthroughCluster").setType(Cluster.DiscoveryType.ORIGINAL_DST)
                .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
                .setConnectTimeout(Duration.newBuilder().setSeconds(10))
                .setUpstreamBindConfig(bind("127.0.0.6").addExtraSourceAddresses(extra("::6")))
                .build();
        Problems p = problems();
        ClusterSpec spec = ClusterDecoder.decode(c, "", p);
        assertThat(p.errors()).isEmpty();
        assertThat(spec.type()).isEqualTo(DiscoveryType.ORIGINAL_DST);
        assertThat(spec.lbPolicy()).isEqualTo(LbPolicyName.CLUSTER_PROVIDED);
        assertThat(spec.upstreamBind()).isEqualTo(new UpstreamBindSpec(new SocketAddressSpec("127.0.0.6", 0),
                List.of(new SocketAddressSpec("::6", 0))));
    }

    @Test
    void clusterWithoutUpstreamBindConfigHasNoBindSource() {
        Cluster c = Cluster.newBuilder().setName("s").setType(Cluster.DiscoveryType.STATIC)
                .setLoadAssignment(assignment("s", endpoint("10.0.0.1", 80))).build();
        assertThat(ClusterDecoder.decode(c, "", problems()).upstreamBind()).isNull();
    }

    @Test
    void bindSourceMustBeAnIpLiteral() {
        Cluster c = Cluster.newBuilder().setName("s").setType(Cluster.DiscoveryType.STATIC)
                .setUpstreamBindConfig(bind("localhost")).build();
        Problems p = problems();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("upstream_bind_config.source_address.socket_address.address");
            assertThat(e.message()).startsWith("\"localhost\" is not an IP address");
        });
    }

    @Test
    void extraSourceAddressOfTheSameIpVersionAsTheSourceIsRejectedAsEnvoyDoes() {
        Cluster c = Cluster.newBuilder().setName("s").setType(Cluster.DiscoveryType.STATIC)
                .setUpstreamBindConfig(bind("127.0.0.6").addExtraSourceAddresses(extra("127.0.0.7"))).build();
        Problems p = problems();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("upstream_bind_config.extra_source_addresses[0].address");
            assertThat(e.message()).isEqualTo("127.0.0.7 is of the same IP version as source_address "
                    + "(expected: one source address per IP version)");
        });
    }

    @Test
    void bindConfigOptionsOutsideTheSourceAddressesAreReportedUnsupported() {
        Cluster c = Cluster.newBuilder().setName("s").setType(Cluster.DiscoveryType.STATIC)
                .setUpstreamBindConfig(bind("127.0.0.6").setFreebind(com.google.protobuf.BoolValue.of(true))).build();
        Problems p = problems();
        assertThat(ClusterDecoder.decode(c, "", p)).isNull();
        assertThat(p.errors()).singleElement().extracting(ConfigProblem::field).isEqualTo("upstream_bind_config.freebind");
    }
}
