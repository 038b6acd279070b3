package io.outrigger.lb;

import java.util.random.RandomGenerator;

/** Builds the per-host-list picker of each policy. */
final class EndpointPickers {
    private EndpointPickers() {
    }

    /**
     * A picker over {@code hosts} for the non-hash policies, or {@code null} when there is no host.
     *
     * @param weights the weight to use for each host (slow start already applied)
     */
    static LoadBalancer create(LbConfig config, Host[] hosts, long[] weights, HostStates states,
                               RandomGenerator random) {
        if (hosts.length == 0) {
            return null;
        }
        return switch (config.policy()) {
            case ROUND_ROBIN -> new RoundRobinPicker(hosts, weights, random);
            case RANDOM -> new RandomPicker(hosts, random);
            case LEAST_REQUEST -> {
                HostState[] s = new HostState[hosts.length];
                for (int i = 0; i < hosts.length; i++) {
                    s[i] = states.stateOf(hosts[i]);
                }
                yield new LeastRequestPicker(hosts, s, weights, config.choiceCount(),
                        config.activeRequestBias(), random);
            }
            case RING_HASH, MAGLEV -> throw new IllegalArgumentException(
                    "policy: " + config.policy() + " (expected: a policy that does not hash)");
        };
    }

    /**
     * A RING_HASH or MAGLEV picker over {@code hosts} with Envoy's normalized weights, or
     * {@code null} when there is no host.
     */
    static LoadBalancer createHashed(LbConfig config, Host[] hosts, double[] normalizedWeights) {
        if (hosts.length == 0) {
            return null;
        }
        return switch (config.policy()) {
            case RING_HASH -> new RingHashPicker(hosts, normalizedWeights, config.minimumRingSize(),
                    config.maximumRingSize());
            case MAGLEV -> new MaglevPicker(hosts, normalizedWeights, config.maglevTableSize());
            default -> throw new IllegalArgumentException(
                    "policy: " + config.policy() + " (expected: RING_HASH or MAGLEV)");
        };
    }

    /** Host weights divided by their sum (Envoy's {@code normalizeHostWeights}). */
    static double[] normalize(Host[] hosts) {
        double sum = 0;
        for (Host h : hosts) {
            sum += h.weight();
        }
        double[] out = new double[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            out[i] = hosts[i].weight() / sum;
        }
        return out;
    }
}
