package io.outrigger.lb;

/** The endpoint-picking algorithm of a cluster ({@code Cluster.LbPolicy} in Envoy). */
public enum LbPolicy {
    ROUND_ROBIN,
    LEAST_REQUEST,
    RANDOM,
    RING_HASH,
    MAGLEV
}
