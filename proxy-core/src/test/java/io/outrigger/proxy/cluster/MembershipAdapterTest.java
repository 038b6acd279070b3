package io.outrigger.proxy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.lb.HealthStatus;
import io.outrigger.lb.Host;
import io.outrigger.lb.LbPolicy;
import io.outrigger.lb.Locality;
import io.outrigger.lb.Membership;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MembershipAdapterTest {
    private static EndpointSpec ep(String addr, int port, int weight, EndpointSpec.Health health) {
        return new EndpointSpec(new SocketAddressSpec(addr, port), weight, health, Map.of("istio.network", "n1"));
    }

    @Test
    void prioritiesLocalitiesWeightsAndHealthCarryOver() {
        LoadAssignmentSpec la = new LoadAssignmentSpec("c", List.of(
                new LocalityEndpointsSpec(new LocalitySpec("r", "z1", ""), 10, 0,
                        List.of(ep("10.0.0.1", 80, 2, EndpointSpec.Health.HEALTHY),
                                ep("10.0.0.2", 80, 1, EndpointSpec.Health.DRAINING))),
                new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 2,
                        List.of(ep("10.0.1.1", 81, 1, EndpointSpec.Health.UNKNOWN)))), 120);

        Membership m = MembershipAdapter.fromAssignment(la);

        assertThat(m.overprovisioningFactor()).isEqualTo(120);
        assertThat(m.priorities()).hasSize(3);
        assertThat(m.priorities().get(1).localities()).as("an empty priority in between is kept").isEmpty();
        var p0 = m.priorities().get(0).localities().getFirst();
        assertThat(p0.locality()).isEqualTo(new Locality("r", "z1", ""));
        assertThat(p0.weight()).isEqualTo(10);
        assertThat(p0.hosts()).extracting(Host::authority, Host::weight, Host::health).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.0.0.1:80", 2, HealthStatus.HEALTHY),
                org.assertj.core.groups.Tuple.tuple("10.0.0.2:80", 1, HealthStatus.DRAINING));
        assertThat(p0.hosts().getFirst().metadata()).containsEntry("istio.network", "n1");
        Host p2 = m.priorities().get(2).localities().getFirst().hosts().getFirst();
        assertThat(p2.priority()).isEqualTo(2);
        assertThat(p2.locality()).isEqualTo(Locality.UNKNOWN);
    }

    @Test
    void strictDnsMakesAHostOfEveryResolvedAddressWithTheEndpointsPort() {
        LoadAssignmentSpec la = new LoadAssignmentSpec("c", List.of(new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 0,
                List.of(ep("svc.example", 8443, 3, EndpointSpec.Health.UNKNOWN)))), 140);

        Membership m = MembershipAdapter.resolved(la, Map.of("svc.example",
                List.of(InetAddress.ofLiteral("10.1.1.1"), InetAddress.ofLiteral("fd00::1"))));

        assertThat(m.priorities().getFirst().localities().getFirst().hosts())
                .extracting(Host::authority, Host::weight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("10.1.1.1:8443", 3),
                        org.assertj.core.groups.Tuple.tuple("[fd00::1]:8443", 3));
    }

    @Test
    void clusterProvidedPolicyIsRejectedWithWhatWasExpected() {
        assertThat(MembershipAdapter.policy(ClusterSpec.LbPolicyName.MAGLEV)).isEqualTo(LbPolicy.MAGLEV);
        assertThatThrownBy(() -> MembershipAdapter.policy(ClusterSpec.LbPolicyName.CLUSTER_PROVIDED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected:");
    }
}
