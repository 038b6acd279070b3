package io.outrigger.bench.lb;

import io.outrigger.lb.ClusterLoadBalancer;
import io.outrigger.lb.LbConfig;
import io.outrigger.lb.LbPolicy;
import io.outrigger.lb.LoadBalancers;
import io.outrigger.lb.Membership;
import java.time.Clock;
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
 * Cost of applying one membership update (classify hosts, priority load, build every picker) for
 * 10,000 hosts in 3 localities x 2 priorities, per policy. Runs on the control thread, never on
 * event loops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RebuildBenchmark {
    @Param({"ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "RING_HASH", "MAGLEV", "LOCALITY_RR"})
    public String policy;

    private ClusterLoadBalancer lb;
    private Membership membership;

    @Setup
    public void setUp() {
        boolean localityWeighted = policy.equals("LOCALITY_RR");
        LbPolicy p = localityWeighted ? LbPolicy.ROUND_ROBIN : LbPolicy.valueOf(policy);
        lb = LoadBalancers.cluster(LbConfig.of(p).withLocalityWeighted(localityWeighted),
                LoadBalancers.eventLoopRandom(), Clock.systemUTC());
        membership = PickBenchmark.membership(10_000, 3, 2);
        lb.update(membership);
    }

    @Benchmark
    public ClusterLoadBalancer rebuild() {
        lb.update(membership);
        return lb;
    }
}
