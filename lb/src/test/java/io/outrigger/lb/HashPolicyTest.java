package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.flat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RING_HASH and MAGLEV place hosts where Envoy does and stay consistent across rebuilds. */
class HashPolicyTest {
    private final Fixtures.MutableClock clock = new Fixtures.MutableClock();

    private static List<Host> envoyTestHosts() {
        List<Host> hosts = new ArrayList<>();
        for (int port = 90; port <= 95; port++) {
            hosts.add(Host.of("127.0.0.1", port));
        }
        return hosts;
    }

    @Test
    void ringHasEnvoysPointsForItsBasicTestHosts() {
        // Envoy's ring_hash_lb_test "Basic": 127.0.0.1:90..95, minimum_ring_size 12. Its comment lists
        // the ring: ":94 833437586790550860, :92 928266305478181108, ... :90 16117243373044804889".
        List<Host> hosts = envoyTestHosts();
        LoadBalancer lb = LoadBalancers.create(flat(hosts),
                LbConfig.of(LbPolicy.RING_HASH).withRingSize(12, LbConfig.DEFAULT_MAX_RING_SIZE),
                new SplittableRandom(1), clock);
        assertThat(lb.pick(0)).isEqualTo(hosts.get(4));
        assertThat(lb.pick(-1L)).isEqualTo(hosts.get(4)); // max uint64 wraps to the first point
        assertThat(lb.pick(3551244743356806947L)).isEqualTo(hosts.get(5));
        assertThat(lb.pick(3551244743356806948L)).isEqualTo(hosts.get(3));
        assertThat(lb.pick(Long.parseUnsignedLong("16117243373044804880"))).isEqualTo(hosts.get(0));
        String[] ring = {"94:833437586790550860", "92:928266305478181108", "90:1033482794131418490",
                "95:3551244743356806947", "93:3851675632748031481", "91:5583722120771150861",
                "91:6311230543546372928", "93:7700377290971790572", "95:13144177310400110813",
                "92:13444792449719432967", "94:15516499411664133160", "90:16117243373044804889"};
        for (String point : ring) {
            String[] p = point.split(":");
            assertThat(lb.pick(Long.parseUnsignedLong(p[1])).port()).as(point).isEqualTo(Integer.parseInt(p[0]));
        }
    }

    @Test
    void maglevHasEnvoysTableForItsBasicTestHosts() {
        // Envoy's maglev_lb_test "Basic": table size 7 -> slots hold hosts {2, 4, 0, 1, 5, 0, 3}.
        List<Host> hosts = envoyTestHosts();
        LoadBalancer lb = LoadBalancers.create(flat(hosts), LbConfig.of(LbPolicy.MAGLEV).withMaglevTableSize(7),
                new SplittableRandom(1), clock);
        int[] expected = {2, 4, 0, 1, 5, 0, 3};
        for (int i = 0; i < 3 * expected.length; i++) {
            assertThat(lb.pick(i)).isEqualTo(hosts.get(expected[i % expected.length]));
        }
    }

    private static List<Host> hosts(int n) {
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hosts.add(Host.of("10.1." + (i / 250) + "." + (i % 250), 8080));
        }
        return hosts;
    }

    @ParameterizedTest
    @EnumSource(value = LbPolicy.class, names = {"RING_HASH", "MAGLEV"})
    void sameKeyGoesToSameHostAcrossRebuilds(LbPolicy policy) {
        List<Host> hosts = hosts(20);
        ClusterLoadBalancer first = LoadBalancers.cluster(LbConfig.of(policy), new SplittableRandom(1), clock);
        first.update(flat(hosts));
        ClusterLoadBalancer second = LoadBalancers.cluster(LbConfig.of(policy), new SplittableRandom(2), clock);
        second.update(flat(hosts));
        SplittableRandom keys = new SplittableRandom(11);
        long[] key = new long[5_000];
        Host[] before = new Host[key.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = keys.nextLong();
            before[i] = first.pick(key[i]);
        }
        first.update(flat(hosts)); // a rebuild with identical membership
        for (int i = 0; i < key.length; i++) {
            assertThat(first.pick(key[i])).isEqualTo(before[i]).isEqualTo(second.pick(key[i]));
        }
    }

    @ParameterizedTest
    @EnumSource(value = LbPolicy.class, names = {"RING_HASH", "MAGLEV"})
    void removingOneOfAHundredHostsMovesAboutAHundredthOfKeys(LbPolicy policy) {
        // 100 hosts: with Envoy's minimum ring of 1024 every host keeps ceil(1024/N) = 11 points for
        // N = 100 and N = 99, so the ring itself does not reshuffle (with N = 10 -> 9 each host goes
        // from 103 to 114 points and Envoy moves ~16% of keys, not 10%).
        int n = 100;
        List<Host> hosts = hosts(n);
        ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(policy), new SplittableRandom(1), clock);
        lb.update(flat(hosts));
        int keys = 50_000;
        long[] key = new long[keys];
        Host[] before = new Host[keys];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < keys; i++) {
            key[i] = r.nextLong();
            before[i] = lb.pick(key[i]);
        }
        Host removed = hosts.get(3);
        List<Host> remaining = new ArrayList<>(hosts);
        remaining.remove(removed);
        lb.update(flat(remaining));
        int moved = 0;
        int movedFromOthers = 0;
        for (int i = 0; i < keys; i++) {
            Host after = lb.pick(key[i]);
            if (!after.equals(before[i])) {
                moved++;
                if (!before[i].equals(removed)) {
                    movedFromOthers++;
                }
            }
        }
        // Ideal is exactly the removed host's keys, 1/N. The ring's floating running sums shift a
        // point here and there; Maglev's refill disturbs some slots of other hosts (its paper's
        // "minimal disruption" is not zero): measured ~0.1% and ~0.6% of keys.
        double tolerance = policy == LbPolicy.RING_HASH ? 0.005 : 0.01;
        assertThat(moved / (double) keys).isCloseTo(1.0 / n, within(tolerance));
        assertThat(movedFromOthers / (double) keys).isLessThan(tolerance);
    }

    @ParameterizedTest
    @EnumSource(value = LbPolicy.class, names = {"RING_HASH", "MAGLEV"})
    void weightsShareKeysProportionally(LbPolicy policy) {
        List<Host> hosts = List.of(
                new Host("10.0.0.1", 80, 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0, Map.of()),
                new Host("10.0.0.2", 80, 2, HealthStatus.HEALTHY, Locality.UNKNOWN, 0, Map.of()),
                new Host("10.0.0.3", 80, 3, HealthStatus.HEALTHY, Locality.UNKNOWN, 0, Map.of()));
        LoadBalancer lb = LoadBalancers.create(flat(hosts), LbConfig.of(policy), new SplittableRandom(1), clock);
        SplittableRandom keys = new SplittableRandom(8);
        Map<Host, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            counts.merge(lb.pick(keys.nextLong()), 1, Integer::sum);
        }
        // Ring of ~6144 points (1024 per unit of the smallest weight): ratios hold within a few percent.
        assertThat(counts.get(hosts.get(0)) / 30_000.0).isCloseTo(1 / 6.0, within(0.03));
        assertThat(counts.get(hosts.get(1)) / 30_000.0).isCloseTo(2 / 6.0, within(0.03));
        assertThat(counts.get(hosts.get(2)) / 30_000.0).isCloseTo(3 / 6.0, within(0.03));
    }
}
