package io.outrigger.xds.ads;

import java.time.Duration;
import java.util.Objects;

/**
 * A resource that another one needs before it can be used: a cluster's endpoints (EDS), a
 * listener's routes (RDS), a TLS secret (SDS).
 *
 * @param initialFetchTimeout from the referencing {@code ConfigSource}; zero waits forever
 */
record Dependency(XdsResourceType type, String name, Duration initialFetchTimeout) {
    Dependency {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(initialFetchTimeout, "initialFetchTimeout");
    }
}
