package io.outrigger.xds.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration, said so that the user finds it: the file (or xDS
 * server), the resource, the field path, and what was expected.
 *
 * @param source a file path, or "xds" for resources from the control plane
 * @param resourceType "Listener", "Cluster", "ClusterLoadAssignment", "RouteConfiguration",
 *                     "Secret" or "Bootstrap"
 * @param resourceName the resource's name, or "" when the problem is outside any resource
 * @param field the field path from the file's root, e.g. {@code static_resources.clusters[0].lb_policy}
 */
public record ConfigProblem(String source, String resourceType, String resourceName, String field,
                            String message) {
    public ConfigProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** E.g. {@code bootstrap.yaml: Cluster "backend": static_resources.clusters[0].lb_policy: unsupported value MAGLEV}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source).append(": ");
        if (!resourceName.isEmpty()) {
            sb.append(resourceType).append(" \"").append(resourceName).append("\": ");
        }
        if (!field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(message).toString();
    }
}
