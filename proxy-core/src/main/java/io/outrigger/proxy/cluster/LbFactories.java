package io.outrigger.proxy.cluster;

import io.outrigger.lb.LbConfig;
import io.outrigger.lb.LoadBalancers;
import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** The production {@link LoadBalancerFactory}: lb's pickers with Envoy's defaults for each policy. */
public final class LbFactories {
    private LbFactories() {
    }

    /**
     * @param random shared by every event loop, so thread-safe
     * @param clock for slow start and other time-dependent picking
     */
    public static LoadBalancerFactory envoyDefaults(RandomGenerator random, Clock clock) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(clock, "clock");
        return policy -> LoadBalancers.cluster(LbConfig.of(policy), random, clock);
    }
}
