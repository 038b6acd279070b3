package io.outrigger.xds.snapshot;

import java.util.Map;
import java.util.Objects;

/**
 * The bootstrap's {@code node}: our identity towards the control plane and in metrics.
 *
 * @param metadata the node metadata with string values kept as they are and any other value
 *                 (struct, list, number) as its JSON text, e.g. Istio's {@code LABELS}
 */
public record NodeInfo(String id, String cluster, LocalitySpec locality, Map<String, String> metadata) {
    public NodeInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(locality, "locality");
        metadata = Map.copyOf(metadata);
    }
}
