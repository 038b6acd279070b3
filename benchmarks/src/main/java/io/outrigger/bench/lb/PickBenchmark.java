package io.outrigger.bench.lb;

import io.outrigger.lb.HealthStatus;
import io.outrigger.lb.Host;
import io.outrigger.lb.LbConfig;
import io.outrigger.lb.LbPolicy;
import io.outrigger.lb.LoadBalancer;
import io.outrigger.lb.LoadBalancers;
import io.outrigger.lb.Locality;
import io.outrigger.lb.LocalityHosts;
import io.outrigger.lb.Membership;
import io.outrigger.lb.PriorityLevel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one {@link LoadBalancer#pick} per policy and cluster size, with the production random
 * source ({@code LoadBalancers.eventLoopRandom()}). Hosts have weights 1..4 spread over 3 localities;
 * {@code LOCALITY_RR} is round robin with {@code locality_weighted_lb_config}; {@code P2C} is
 * LEAST_REQUEST over equal weights (Envoy's power of two choices).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PickBenchmark {
    @Param({"ROUND_ROBIN", "LEAST_REQUEST", "P2C", "RANDOM", "RING_HASH", "MAGLEV", "LOCALITY_RR"})
    public String policy;

    @Param({"10", "1000", "10000"})
    public int hosts;

    private LoadBalancer lb;
    private long hash;

    @Setup
    public void setUp() {
        boolean localityWeighted = policy.equals("LOCALITY_RR");
        boolean equalWeights = policy.equals("P2C");
        LbPolicy p = localityWeighted ? LbPolicy.ROUND_ROBIN
                : equalWeights ? LbPolicy.LEAST_REQUEST : LbPolicy.valueOf(policy);
        LbConfig config = LbConfig.of(p).withLocalityWeighted(localityWeighted);
        lb = LoadBalancers.create(membership(hosts, 3, 1, equalWeights), config, LoadBalancers.eventLoopRandom(),
                Clock.systemUTC());
        hash = 0x9E3779B97F4A7C15L;
    }

    /** {@code hosts} hosts over {@code localities} localities and {@code priorities} priorities. */
    static Membership membership(int hosts, int localities, int priorities) {
        return membership(hosts, localities, priorities, false);
    }

    /** As above; {@code equalWeights} gives every host weight 1 instead of 1..4. */
    static Membership membership(int hosts, int localities, int priorities, boolean equalWeights) {
        List<PriorityLevel> levels = new ArrayList<>();
        int perPriority = hosts / priorities;
        int id = 0;
        for (int p = 0; p < priorities; p++) {
            List<LocalityHosts> ls = new ArrayList<>();
            for (int l = 0; l < localities; l++) {
                Locality locality = new Locality("region", "zone-" + l, "");
                List<Host> hs = new ArrayList<>();
                int count = perPriority / localities + (l < perPriority % localities ? 1 : 0);
                for (int i = 0; i < count; i++, id++) {
                    hs.add(new Host("10." + (id >> 16) + "." + ((id >> 8) & 255) + "." + (id & 255), 8080,
                            equalWeights ? 1 : 1 + id % 4, HealthStatus.HEALTHY, locality, p, Map.of()));
                }
                ls.add(new LocalityHosts(locality, 1 + l, hs));
            }
            levels.add(new PriorityLevel(ls));
        }
        return new Membership(levels, Membership.DEFAULT_OVERPROVISIONING_FACTOR);
    }

    @Benchmark
    public Host pick() {
        // A new hash per call so hash policies do not hit one cached slot.
        hash += 0x9E3779B97F4A7C15L;
        return lb.pick(hash);
    }
}
