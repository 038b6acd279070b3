package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.flat;
import static io.outrigger.lb.Fixtures.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastRequestTest {
    private final Fixtures.MutableClock clock = new Fixtures.MutableClock();

    private static List<Host> equalHosts() {
        return List.of(Host.of("10.0.0.1", 80), Host.of("10.0.0.2", 80), Host.of("10.0.0.3", 80));
    }

    @Test
    void busyHostIsPickedOnlyWhenBothSamplesLandOnIt() {
        List<Host> hosts = equalHosts();
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(LbPolicy.LEAST_REQUEST), new SplittableRandom(3), clock);
        lb.update(flat(hosts));
        for (int i = 0; i < 10; i++) {
            lb.requestStarted(hosts.get(0));
        }
        Map<Host, Integer> counts = Fixtures.count(lb, 30_000, () -> 0);
        // Envoy samples choice_count hosts with replacement: the busy one wins only if all are it: (1/3)^2.
        assertThat(counts.get(hosts.get(0)) / 30_000.0).isCloseTo(1 / 9.0, within(0.015));
    }

    @Test
    void choiceCountThreeMakesTheBusyHostRarer() {
        List<Host> hosts = equalHosts();
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(LbPolicy.LEAST_REQUEST).withLeastRequest(3, 1.0),
                new SplittableRandom(3), clock);
        lb.update(flat(hosts));
        lb.requestStarted(hosts.get(0));
        Map<Host, Integer> counts = Fixtures.count(lb, 30_000, () -> 0);
        assertThat(counts.get(hosts.get(0)) / 30_000.0).isCloseTo(1 / 27.0, within(0.01));
    }

    @Test
    void finishedRequestsNoLongerCount() {
        List<Host> hosts = equalHosts();
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(LbPolicy.LEAST_REQUEST), new SplittableRandom(3), clock);
        lb.update(flat(hosts));
        lb.requestStarted(hosts.get(0));
        lb.requestFinished(hosts.get(0));
        lb.requestFinished(hosts.get(0)); // a duplicate report never drives the count negative
        assertThat(lb.state(hosts.get(0)).activeRequests()).isZero();
        Map<Host, Integer> counts = Fixtures.count(lb, 30_000, () -> 0);
        assertThat(counts.get(hosts.get(0)) / 30_000.0).isCloseTo(1 / 3.0, within(0.02));
    }

    @Test
    void activeRequestsSurviveAMembershipUpdateForHostsThatRemain() {
        List<Host> hosts = new ArrayList<>(equalHosts());
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(LbPolicy.LEAST_REQUEST), new SplittableRandom(3), clock);
        lb.update(flat(hosts));
        for (int i = 0; i < 5; i++) {
            lb.requestStarted(hosts.get(0));
        }
        lb.requestStarted(hosts.get(2));
        // A new EDS update: host 2 leaves, host 4 joins; host 0 is a new Host object with the same address.
        List<Host> next = List.of(new Host("10.0.0.1", 80, 4, HealthStatus.HEALTHY, Locality.UNKNOWN, 0,
                        Map.of("version", "v2")),
                hosts.get(1), Host.of("10.0.0.4", 80));
        lb.update(flat(next));
        assertThat(lb.state(next.get(0)).activeRequests()).isEqualTo(5);
        assertThat(lb.state(hosts.get(2))).isNull();
        assertThat(lb.state(next.get(2)).activeRequests()).isZero();
    }

    @Test
    void unequalWeightsWithoutLoadGiveEachHostItsWeightShare() {
        Host a = host("10.0.0.1", 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host b = host("10.0.0.2", 2, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host c = host("10.0.0.3", 3, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        LoadBalancer lb = LoadBalancers.create(flat(List.of(a, b, c)), LbConfig.of(LbPolicy.LEAST_REQUEST),
                new SplittableRandom(9), clock);
        Map<Host, Integer> counts = Fixtures.count(lb, 10_000, () -> 0);
        assertThat(counts.get(a) / 10_000.0).isCloseTo(1 / 6.0, within(0.03));
        assertThat(counts.get(b) / 10_000.0).isCloseTo(2 / 6.0, within(0.03));
        assertThat(counts.get(c) / 10_000.0).isCloseTo(3 / 6.0, within(0.03));
    }

    @Test
    void loadedHeavyHostLosesShareByActiveRequestBias() {
        Host a = host("10.0.0.1", 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host b = host("10.0.0.2", 2, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        Host c = host("10.0.0.3", 3, HealthStatus.HEALTHY, Locality.UNKNOWN, 0);
        ClusterLoadBalancer biased = LoadBalancers.cluster(LbConfig.of(LbPolicy.LEAST_REQUEST),
                new SplittableRandom(9), clock);
        ClusterLoadBalancer unbiased = LoadBalancers.cluster(
                LbConfig.of(LbPolicy.LEAST_REQUEST).withLeastRequest(2, 0.0), new SplittableRandom(9), clock);
        for (ClusterLoadBalancer lb : List.of(biased, unbiased)) {
            lb.update(flat(List.of(a, b, c)));
            for (int i = 0; i < 5; i++) {
                lb.requestStarted(c);
            }
        }
        // Candidates are drawn by weight (c: 1/2 of draws); loaded c loses to any idle candidate, so it is
        // picked only when both draws are c: (1/2)^2. With bias 0 load is ignored: c keeps its weight share.
        double biasedShare = Fixtures.count(biased, 10_000, () -> 0).get(c) / 10_000.0;
        double unbiasedShare = Fixtures.count(unbiased, 10_000, () -> 0).getOrDefault(c, 0) / 10_000.0;
        assertThat(biasedShare).isCloseTo(0.25, within(0.03));
        assertThat(unbiasedShare).isCloseTo(0.50, within(0.03));
    }
}
