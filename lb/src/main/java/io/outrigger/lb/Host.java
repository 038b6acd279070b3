package io.outrigger.lb;

import java.util.Map;
import java.util.Objects;

/**
 * One upstream endpoint of a cluster as the load balancer sees it.
 *
 * <p>Identity is {@code address:port}: a host that stays across updates of its cluster keeps
 * its identity, so per-host state (outlier detection, active requests) can follow it.
 */
public final class Host {
    private final String address;
    private final int port;
    private final int weight;
    private final HealthStatus health;
    private final Locality locality;
    private final int priority;
    private final Map<String, String> metadata;

    public Host(String address, int port, int weight, HealthStatus health, Locality locality,
                int priority, Map<String, String> metadata) {
        this.address = Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
        if (priority < 0) {
            throw new IllegalArgumentException("priority: " + priority + " (expected: >= 0)");
        }
        this.port = port;
        this.weight = weight;
        this.health = Objects.requireNonNull(health, "health");
        this.locality = Objects.requireNonNull(locality, "locality");
        this.priority = priority;
        this.metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }

    /** A healthy host of weight 1 at priority 0 in no locality. */
    public static Host of(String address, int port) {
        return new Host(address, port, 1, HealthStatus.HEALTHY, Locality.UNKNOWN, 0, Map.of());
    }

    public String address() { return address; }
    public int port() { return port; }
    public int weight() { return weight; }
    public HealthStatus health() { return health; }
    public Locality locality() { return locality; }
    public int priority() { return priority; }
    public Map<String, String> metadata() { return metadata; }

    /** {@code address:port}, IPv6 addresses in brackets. */
    public String authority() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Host h && h.port == port && h.address.equals(address);
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + port;
    }

    @Override
    public String toString() {
        return authority();
    }
}
