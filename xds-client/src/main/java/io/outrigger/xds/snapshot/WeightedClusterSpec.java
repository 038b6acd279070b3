package io.outrigger.xds.snapshot;

import java.util.Objects;

/** A cluster and its weight (&gt;= 1) in a weighted split. */
public record WeightedClusterSpec(String name, int weight) {
    public WeightedClusterSpec {
        Objects.requireNonNull(name, "name");
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
    }
}
