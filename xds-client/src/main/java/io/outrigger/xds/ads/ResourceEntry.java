package io.outrigger.xds.ads;

import com.google.protobuf.Any;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One accepted resource: what was received (kept for the config dump), its record, and what it
 * needs from other resource types.
 *
 * @param version {@code version_info} of the state-of-the-world response, or the resource's own
 *                version in delta
 * @param value the decoded record, e.g. a {@code ClusterSpec}
 */
record ResourceEntry(String name, String version, Any raw, Object value, List<Dependency> dependencies,
                     Instant lastUpdated) {
    ResourceEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(value, "value");
        dependencies = List.copyOf(dependencies);
        Objects.requireNonNull(lastUpdated, "lastUpdated");
    }
}
