package io.outrigger.xds.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ClusterLoadAssignment validator, driven directly with protos as they arrive over EDS. */
class LoadAssignmentDecoderTest {
    private static LbEndpoint.Builder endpoint(String ip, int port) {
        return LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))));
    }

    @Test
    void edsAssignmentWithLocalitiesPrioritiesWeightsAndMetadataDecodes() throws ConfigException {
        ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("reviews")
                .setPolicy(ClusterLoadAssignment.Policy.newBuilder().setOverprovisioningFactor(UInt32Value.of(100)))
                .addEndpoints(LocalityLbEndpoints.newBuilder()
                        .setLocality(Locality.newBuilder().setRegion("r").setZone("z").setSubZone("s"))
                        .setLoadBalancingWeight(UInt32Value.of(4))
                        .addLbEndpoints(endpoint("10.0.0.1", 9080).setHealthStatus(HealthStatus.DEGRADED)
                                .setLoadBalancingWeight(UInt32Value.of(2))
                                .setMetadata(Metadata.newBuilder().putFilterMetadata("envoy.lb", Struct.newBuilder()
                                        .putFields("version", Value.newBuilder().setStringValue("v2").build())
                                        .putFields("canary", Value.newBuilder().setBoolValue(true).build()).build()))))
                .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(1).addLbEndpoints(endpoint("10.0.1.1", 9080)))
                .build();
        LoadAssignmentSpec spec = ResourceDecoders.loadAssignment(cla, "xds");
        assertThat(spec.clusterName()).isEqualTo("reviews");
        assertThat(spec.overprovisioningFactor()).isEqualTo(100);
        assertThat(spec.localities()).containsExactly(
                new LocalityEndpointsSpec(new LocalitySpec("r", "z", "s"), 4, 0, java.util.List.of(new EndpointSpec(
                        new SocketAddressSpec("10.0.0.1", 9080), 2, EndpointSpec.Health.DEGRADED,
                        Map.of("envoy.lb.version", "v2", "envoy.lb.canary", "true")))),
                new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 1, java.util.List.of(new EndpointSpec(
                        new SocketAddressSpec("10.0.1.1", 9080), 1, EndpointSpec.Health.UNKNOWN, Map.of()))));
    }

    @Test
    void edsEndpointsMustBeIpLiterals() {
        ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(endpoint("db.internal", 5432))).build();
        assertThatThrownBy(() -> ResourceDecoders.loadAssignment(cla, "xds"))
                .hasMessageStartingWith("xds: ClusterLoadAssignment \"c\": endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address: "
                        + "\"db.internal\" is not an IP address");
    }

    @Test
    void zeroWeightsAreRejectedBecauseEnvoyRequiresAtLeastOne() {
        ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
                .addEndpoints(LocalityLbEndpoints.newBuilder().setLoadBalancingWeight(UInt32Value.of(0))
                        .addLbEndpoints(endpoint("10.0.0.1", 80).setLoadBalancingWeight(UInt32Value.of(0)))).build();
        Problems p = new Problems("xds", "ClusterLoadAssignment");
        assertThat(LoadAssignmentDecoder.decode(cla, "", p, Addresses.Form.IP_LITERAL, "x")).isNull();
        assertThat(p.errors()).extracting(ConfigProblem::field, ConfigProblem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("endpoints[0].load_balancing_weight", "0 (expected: 1-2147483647)"),
                org.assertj.core.groups.Tuple.tuple("endpoints[0].lb_endpoints[0].load_balancing_weight", "0 (expected: 1-2147483647)"));
    }

    @Test
    void priorityAbove128IsRejected() {
        ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("c")
                .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(129).addLbEndpoints(endpoint("10.0.0.1", 80))).build();
        Problems p = new Problems("xds", "ClusterLoadAssignment");
        assertThat(LoadAssignmentDecoder.decode(cla, "", p, Addresses.Form.IP_LITERAL, "x")).isNull();
        assertThat(p.errors()).extracting(ConfigProblem::message).contains("129 (expected: 0-128)");
    }

    @Test
    void missingClusterNameIsRejectedAsEnvoysValidationDoes() {
        Problems p = new Problems("xds", "ClusterLoadAssignment");
        assertThat(LoadAssignmentDecoder.decode(ClusterLoadAssignment.getDefaultInstance(), "", p, Addresses.Form.IP_LITERAL, "x")).isNull();
        assertThat(p.errors()).singleElement().extracting(ConfigProblem::field).isEqualTo("cluster_name");
    }
}
