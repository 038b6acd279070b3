package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.hosts;
import static io.outrigger.lb.Fixtures.level;
import static io.outrigger.lb.Fixtures.membership;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The outcomes of SCENARIOS.md section 4: Locality, FailOver, ActiveActive, Kuma's weighting. */
class GlobalTrafficPolicyTest {
    private static final Locality CLUSTER_1 = new Locality("mesh", "cluster-1", "");
    private static final Locality CLUSTER_2 = new Locality("mesh", "cluster-2", "");
    private static final Locality CLUSTER_3 = new Locality("mesh", "cluster-3", "");
    private final Fixtures.MutableClock clock = new Fixtures.MutableClock();

    private ClusterLoadBalancer lb(LbPolicy policy, boolean localityWeighted) {
        return LoadBalancers.cluster(LbConfig.of(policy).withLocalityWeighted(localityWeighted),
                new SplittableRandom(17), clock);
    }

    private static double share(LoadBalancer lb, Locality l, int picks) {
        int n = 0;
        for (int i = 0; i < picks; i++) {
            Host h = lb.pick(0);
            if (h != null && h.locality().equals(l)) {
                n++;
            }
        }
        return n / (double) picks;
    }

    @Test
    void localityPolicyWithNoLocalInstanceFailsThePickAndSaysWhy() {
        ClusterLoadBalancer lb = lb(LbPolicy.ROUND_ROBIN, false);
        Membership elsewhere = membership(level(hosts("c2", CLUSTER_2, 1, 0, 2, 2), hosts("c3", CLUSTER_3, 1, 0, 2, 2)));
        lb.update(elsewhere, GlobalTrafficPolicy.locality(GlobalTrafficPolicy.Scope.ZONE), CLUSTER_1);
        assertThat(lb.pick(0)).isNull();
        assertThat(lb.refusedByLocalityPolicy()).isTrue();
        assertThat(lb.stats().localityPolicyNoLocalHost()).isEqualTo(1);
        assertThat(lb.stats().noHealthyHost()).isZero();
    }

    @Test
    void localityPolicyUsesOnlyTheCallersCluster() {
        ClusterLoadBalancer lb = lb(LbPolicy.ROUND_ROBIN, false);
        Membership all = membership(level(hosts("c1", CLUSTER_1, 1, 0, 1, 1), hosts("c2", CLUSTER_2, 1, 0, 3, 3)));
        lb.update(all, GlobalTrafficPolicy.locality(GlobalTrafficPolicy.Scope.ZONE), CLUSTER_1);
        assertThat(share(lb, CLUSTER_1, 100)).isEqualTo(1.0);
        assertThat(lb.refusedByLocalityPolicy()).isFalse();
    }

    @Test
    void failOverPrefersOwnClusterSpillsWhenItFailsAndReturnsWhenItRecovers() {
        ClusterLoadBalancer lb = lb(LbPolicy.ROUND_ROBIN, false);
        GlobalTrafficPolicy policy = GlobalTrafficPolicy.failOver(GlobalTrafficPolicy.Scope.ZONE);
        LocalityHosts remote = hosts("c2", CLUSTER_2, 1, 0, 4, 4);
        // Own cluster healthy: everything stays local.
        lb.update(membership(level(hosts("c1", CLUSTER_1, 1, 0, 4, 4), remote)), policy, CLUSTER_1);
        assertThat(share(lb, CLUSTER_1, 1_000)).isEqualTo(1.0);
        // Half of the own instances unhealthy: 50% x 1.4 = 70% stays, 30% fails over.
        lb.update(membership(level(hosts("c1", CLUSTER_1, 1, 0, 4, 2), remote)), policy, CLUSTER_1);
        assertThat(share(lb, CLUSTER_1, 20_000)).isCloseTo(0.70, within(0.02));
        // No own instance at all: everything goes to the other cluster.
        lb.update(membership(level(remote)), policy, CLUSTER_1);
        assertThat(share(lb, CLUSTER_2, 1_000)).isEqualTo(1.0);
        // A local instance appears again: traffic returns to it.
        lb.update(membership(level(hosts("c1", CLUSTER_1, 1, 0, 1, 1), remote)), policy, CLUSTER_1);
        assertThat(share(lb, CLUSTER_1, 1_000)).isEqualTo(1.0);
    }

    @Test
    void activeActiveAnswersThreeSuccessiveCallsFromThreeClusters() {
        ClusterLoadBalancer lb = lb(LbPolicy.ROUND_ROBIN, true);
        Membership all = membership(level(hosts("c1", CLUSTER_1, 1, 0, 1, 1), hosts("c2", CLUSTER_2, 1, 0, 1, 1),
                hosts("c3", CLUSTER_3, 1, 0, 1, 1)));
        lb.update(all, GlobalTrafficPolicy.activeActive(GlobalTrafficPolicy.Scope.ZONE, Map.of()), CLUSTER_1);
        for (int round = 0; round < 5; round++) {
            List<Locality> answered = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answered.add(lb.pick(0).locality());
            }
            assertThat(answered).containsExactlyInAnyOrder(CLUSTER_1, CLUSTER_2, CLUSTER_3);
        }
    }

    @Test
    void activeActiveHonoursExplicitClusterWeights() {
        ClusterLoadBalancer lb = lb(LbPolicy.RANDOM, true);
        Membership all = membership(level(hosts("c1", CLUSTER_1, 1, 0, 2, 2), hosts("c2", CLUSTER_2, 1, 0, 2, 2)));
        GlobalTrafficPolicy policy = GlobalTrafficPolicy.activeActive(GlobalTrafficPolicy.Scope.ZONE,
                Map.of("mesh/cluster-1", 1, "mesh/cluster-2", 3));
        lb.update(all, policy, CLUSTER_1);
        assertThat(share(lb, CLUSTER_2, 20_000)).isCloseTo(0.75, within(0.02));
    }

    @Test
    void kumaZoneWithTwoInstancesGetsTwiceTheTrafficOfAZoneWithOne() {
        ClusterLoadBalancer lb = lb(LbPolicy.ROUND_ROBIN, true);
        Membership all = membership(level(hosts("z1", CLUSTER_1, 1, 0, 2, 2), hosts("z2", CLUSTER_2, 1, 0, 1, 1)));
        lb.update(all, GlobalTrafficPolicy.activeActive(GlobalTrafficPolicy.Scope.ZONE, Map.of()), CLUSTER_3);
        double two = share(lb, CLUSTER_1, 30_000);
        assertThat(two).isCloseTo(2 / 3.0, within(0.02));
    }

    @Test
    void kumaLocalityAwareFailOverWeightsRemoteZonesByInstanceCount() {
        ClusterLoadBalancer lb = lb(LbPolicy.ROUND_ROBIN, true);
        GlobalTrafficPolicy kuma = new GlobalTrafficPolicy(GlobalTrafficPolicy.Mode.FAIL_OVER,
                GlobalTrafficPolicy.Scope.ZONE, Map.of(), true);
        // Own zone empty: remote zones share by instances, 2 vs 1.
        Membership remoteOnly = membership(level(hosts("z2", CLUSTER_2, 0, 0, 2, 2), hosts("z3", CLUSTER_3, 0, 0, 1, 1)));
        lb.update(remoteOnly, kuma, CLUSTER_1);
        assertThat(share(lb, CLUSTER_2, 30_000)).isCloseTo(2 / 3.0, within(0.02));
    }

    @Test
    void transformationIsPlainEdsWithPrioritiesAndLocalityWeights() {
        Membership all = membership(level(hosts("c1", CLUSTER_1, 1, 0, 2, 2), hosts("c2", CLUSTER_2, 1, 0, 3, 3)));
        Membership failOver = GlobalTrafficPolicy.failOver(GlobalTrafficPolicy.Scope.ZONE).apply(all, CLUSTER_1);
        assertThat(failOver.priorities()).hasSize(2);
        assertThat(failOver.priorities().get(0).localities()).extracting(LocalityHosts::locality).containsExactly(CLUSTER_1);
        assertThat(failOver.priorities().get(1).localities()).extracting(LocalityHosts::locality).containsExactly(CLUSTER_2);
        Membership active = GlobalTrafficPolicy.activeActive(GlobalTrafficPolicy.Scope.ZONE, Map.of()).apply(all, CLUSTER_1);
        assertThat(active.priorities().getFirst().localities()).extracting(LocalityHosts::weight).containsExactly(2, 3);
    }
}
