package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * The whole effective configuration at one moment: what proxy-core builds its runtime from.
 *
 * @param node who we are ({@code node} in the bootstrap)
 * @param admin the admin listener
 * @param listeners listeners in declaration order, names unique
 * @param clusters clusters in declaration order, names unique
 * @param versionInfo "static" for bootstrap resources, else the xDS version
 * @param source where it came from (a file path, or the xDS server), for messages
 * @param secrets {@code static_resources.secrets} (and SDS secrets later), names unique
 */
public record ConfigSnapshot(NodeInfo node, AdminSpec admin, List<ListenerSpec> listeners,
                             List<ClusterSpec> clusters, String versionInfo, String source, List<SecretSpec> secrets) {
    public ConfigSnapshot {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(admin, "admin");
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
        Objects.requireNonNull(versionInfo, "versionInfo");
        Objects.requireNonNull(source, "source");
        secrets = List.copyOf(secrets);
    }

    /** A snapshot without secrets. */
    public ConfigSnapshot(NodeInfo node, AdminSpec admin, List<ListenerSpec> listeners, List<ClusterSpec> clusters,
                          String versionInfo, String source) {
        this(node, admin, listeners, clusters, versionInfo, source, List.of());
    }

    /** The secret with this name, or {@code null}. */
    public SecretSpec secret(String name) {
        for (SecretSpec s : secrets) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The cluster with this name, or {@code null}. */
    public ClusterSpec cluster(String name) {
        for (ClusterSpec c : clusters) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
