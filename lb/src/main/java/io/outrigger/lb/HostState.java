package io.outrigger.lb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * What we learn about one host at run time, kept across membership updates for as long as the
 * host (by {@code address:port}) stays in its cluster: active requests (LEAST_REQUEST), whether
 * active health checks fail it, whether outlier detection ejected it, when it joined (slow start).
 *
 * <p>Counters are atomics so event loops update them without locks; health flags are written by
 * the health-check and outlier threads and read when pickers are rebuilt.
 */
public final class HostState {
    private final Host host;
    private final long joinedAtMillis;
    private static final VarHandle ACTIVE;

    static {
        try {
            ACTIVE = MethodHandles.lookup().findVarHandle(HostState.class, "activeRequests", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** In the object itself, not behind an AtomicInteger: LEAST_REQUEST reads it on every pick. */
    private volatile int activeRequests;
    private volatile boolean failedActiveHealthCheck;
    private volatile boolean degradedByActiveHealthCheck;
    private volatile boolean ejected;
    final OutlierRecord outlier = new OutlierRecord();

    /** True from creation until the first health-check verdict, for hosts joining under active HC. */
    private volatile boolean pendingFirstHealthCheck;

    HostState(Host host, long joinedAtMillis) {
        this.host = Objects.requireNonNull(host, "host");
        this.joinedAtMillis = joinedAtMillis;
    }

    /** A host that joins while active health checking runs: out of load balancing until it passes. */
    static HostState pendingHealthCheck(Host host, long joinedAtMillis) {
        HostState s = new HostState(host, joinedAtMillis);
        s.failedActiveHealthCheck = true;
        s.pendingFirstHealthCheck = true;
        return s;
    }

    boolean pendingFirstHealthCheck() {
        return pendingFirstHealthCheck;
    }

    void clearPendingFirstHealthCheck() {
        pendingFirstHealthCheck = false;
    }

    /** The host's identity (the first {@link Host} object seen with this address:port). */
    public Host host() {
        return host;
    }

    /** Requests in flight to this host, as reported by {@link LoadBalancer#requestStarted}. */
    public int activeRequests() {
        return activeRequests;
    }

    public boolean failedActiveHealthCheck() {
        return failedActiveHealthCheck;
    }

    public boolean degradedByActiveHealthCheck() {
        return degradedByActiveHealthCheck;
    }

    /** True while outlier detection keeps this host out of load balancing. */
    public boolean ejected() {
        return ejected;
    }

    long joinedAtMillis() {
        return joinedAtMillis;
    }

    void requestStarted() {
        ACTIVE.getAndAdd(this, 1);
    }

    void requestFinished() {
        // Never below zero, even if a caller reports a finish twice.
        int v;
        do {
            v = activeRequests;
            if (v <= 0) {
                return;
            }
        } while (!ACTIVE.compareAndSet(this, v, v - 1));
    }

    /** Returns true when the flag changed. */
    boolean setFailedActiveHealthCheck(boolean failed) {
        boolean old = failedActiveHealthCheck;
        failedActiveHealthCheck = failed;
        return old != failed;
    }

    /** Returns true when the flag changed. */
    boolean setDegradedByActiveHealthCheck(boolean degraded) {
        boolean old = degradedByActiveHealthCheck;
        degradedByActiveHealthCheck = degraded;
        return old != degraded;
    }

    /** Returns true when the flag changed. */
    boolean setEjected(boolean value) {
        boolean old = ejected;
        ejected = value;
        return old != value;
    }

    /**
     * Envoy's {@code health_flags} as the admin {@code /clusters} endpoint prints them:
     * {@code healthy}, or the failing flags joined by '/', e.g. {@code /failed_active_hc/failed_outlier_check}.
     * EDS statuses appear as {@code /failed_eds_health} (UNHEALTHY, DRAINING, TIMEOUT) and
     * {@code /degraded_eds_health}; a host waiting for its first check adds {@code /pending_active_hc}.
     */
    public String healthFlags(Host current) {
        StringBuilder b = new StringBuilder();
        if (failedActiveHealthCheck) {
            b.append("/failed_active_hc");
        }
        if (ejected) {
            b.append("/failed_outlier_check");
        }
        HealthStatus eds = current.health();
        if (eds == HealthStatus.UNHEALTHY || eds == HealthStatus.DRAINING || eds == HealthStatus.TIMEOUT) {
            b.append("/failed_eds_health");
        }
        if (degradedByActiveHealthCheck) {
            b.append("/degraded_active_hc");
        }
        if (eds == HealthStatus.DEGRADED) {
            b.append("/degraded_eds_health");
        }
        if (pendingFirstHealthCheck) {
            b.append("/pending_active_hc");
        }
        return b.isEmpty() ? "healthy" : b.toString();
    }

    /** How load balancing sees the host: EDS status overridden by health checks and ejection. */
    HostHealth effectiveHealth(Host current) {
        if (ejected || failedActiveHealthCheck) {
            return HostHealth.UNHEALTHY;
        }
        HealthStatus eds = current.health();
        if (eds == HealthStatus.DEGRADED || (eds.isHealthyForLb() && degradedByActiveHealthCheck)) {
            return HostHealth.DEGRADED;
        }
        return eds.isHealthyForLb() ? HostHealth.HEALTHY : HostHealth.UNHEALTHY;
    }

    /** The three classes Envoy's host sets sort hosts into. */
    enum HostHealth { HEALTHY, DEGRADED, UNHEALTHY }

    @Override
    public String toString() {
        return "HostState[" + host.authority() + ", active=" + activeRequests
                + ", failedHc=" + failedActiveHealthCheck + ", ejected=" + ejected + "]";
    }
}
