package io.outrigger.lb;

/** A host's health as EDS reports it ({@code core.v3.HealthStatus}), plus what we learn ourselves. */
public enum HealthStatus {
    UNKNOWN,
    HEALTHY,
    UNHEALTHY,
    DRAINING,
    TIMEOUT,
    DEGRADED;

    /** Envoy treats UNKNOWN like HEALTHY for load balancing. */
    public boolean isHealthyForLb() {
        return this == HEALTHY || this == UNKNOWN;
    }
}
