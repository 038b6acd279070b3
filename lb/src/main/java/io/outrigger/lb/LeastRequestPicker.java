package io.outrigger.lb;

import java.util.random.RandomGenerator;

/**
 * LEAST_REQUEST. With equal weights it is Envoy's power-of-{@code choice_count} choices: sample
 * hosts uniformly, keep the one with the fewest active requests (the first on ties).
 *
 * <p>With unequal weights Envoy runs an EDF schedule whose weights are recomputed at every pick
 * as {@code weight / (active + 1)^active_request_bias}. A schedule mutated on every pick would need
 * a lock shared by the event loops, so we choose by sampling instead: candidates are drawn in
 * proportion to their static weight (alias method) and the one with the lowest load per unit of
 * weight, {@code active^bias / weight}, wins (the first on ties). With no load this sends each
 * host exactly its weight's share; under load it moves traffic away from hosts whose active
 * requests are high for their weight; with bias 0 load is ignored (weighted random), as in Envoy
 * where bias 0 means plain weighted round robin.
 */
final class LeastRequestPicker implements LoadBalancer {
    private final Host[] hosts;
    private final HostState[] states;
    private final double[] weights;
    private final AliasTable byWeight;
    private final int choiceCount;
    private final double bias;
    private final RandomGenerator random;

    LeastRequestPicker(Host[] hosts, HostState[] states, long[] weights, int choiceCount, double bias,
                       RandomGenerator random) {
        if (hosts.length == 0) {
            throw new IllegalArgumentException("hosts: empty (expected: at least one)");
        }
        this.hosts = hosts;
        this.states = states;
        this.choiceCount = choiceCount;
        this.bias = bias;
        this.random = random;
        if (SmoothSchedule.uniform(weights)) {
            this.weights = null;
            this.byWeight = null;
        } else {
            this.weights = new double[weights.length];
            for (int i = 0; i < weights.length; i++) {
                this.weights[i] = weights[i];
            }
            this.byWeight = new AliasTable(weights);
        }
    }

    @Override
    public Host pick(long hash) {
        int n = hosts.length;
        if (n == 1) {
            return hosts[0];
        }
        if (byWeight == null) {
            // Two uniform indices per 64-bit draw (multiply-shift on each half: no division).
            long r = random.nextLong();
            int best = (int) (((r >>> 32) * n) >>> 32);
            int bestActive = states[best].activeRequests();
            for (int c = 1; c < choiceCount; c++) {
                if ((c & 1) == 0) {
                    r = random.nextLong();
                }
                long half = (c & 1) == 1 ? r & 0xFFFFFFFFL : r >>> 32;
                int candidate = (int) ((half * n) >>> 32);
                int active = states[candidate].activeRequests();
                if (active < bestActive) {
                    best = candidate;
                    bestActive = active;
                }
            }
            return hosts[best];
        }
        int best = byWeight.sample(random);
        if (bias == 0.0) {
            return hosts[best];
        }
        double bestCost = cost(best);
        for (int c = 1; c < choiceCount; c++) {
            int candidate = byWeight.sample(random);
            double cost = cost(candidate);
            if (cost < bestCost) {
                best = candidate;
                bestCost = cost;
            }
        }
        return hosts[best];
    }

    /** Load per unit of weight. */
    private double cost(int i) {
        int active = states[i].activeRequests();
        if (active == 0) {
            return 0;
        }
        return (bias == 1.0 ? active : Math.pow(active, bias)) / weights[i];
    }
}
