package io.outrigger.lb;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * Passive health checking (Envoy's outlier detection) for one cluster. Event loops report results
 * with the lock-free {@code report*} methods; consecutive-failure ejections are handed to the
 * {@code control} executor, and {@link #tick()} (every {@code interval}, on the same control
 * thread) un-ejects hosts whose time is up and runs the success-rate and failure-percentage
 * detectors. Every change of ejection rebuilds the cluster's picker, so ejected hosts count as
 * unhealthy in Envoy's priority and panic arithmetic.
 *
 * <p>Ejection lasts {@code base_ejection_time × number of ejections}, capped at
 * {@code max(base_ejection_time, max_ejection_time)}; the multiplier drops by one for each interval
 * a host spends un-ejected. No ejection happens while {@code max_ejection_percent} of the cluster is
 * already ejected, except that one host may always be ejected.
 */
public final class OutlierDetector {
    private final ClusterLoadBalancer cluster;
    private final OutlierDetectionConfig config;
    private final Clock clock;
    private final RandomGenerator random;
    private final Executor control;
    private final LongAdder ejectionsEnforced = new LongAdder();
    private final LongAdder ejectionsOverflow = new LongAdder();

    /**
     * @param control the single control thread the detector mutates state on (tests: {@code Runnable::run})
     */
    public OutlierDetector(ClusterLoadBalancer cluster, OutlierDetectionConfig config, Clock clock,
                           RandomGenerator random, Executor control) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.control = Objects.requireNonNull(control, "control");
    }

    /** Reports an HTTP response status from {@code host} (event loop). */
    public void reportHttpStatus(Host host, int status) {
        HostState s = cluster.state(host);
        if (s == null) {
            return;
        }
        OutlierRecord r = s.outlier;
        r.intervalTotal.incrementAndGet();
        if (status >= 500) {
            boolean gateway = status == 502 || status == 503 || status == 504;
            int c5 = r.consecutive5xx.incrementAndGet();
            int cg = gateway ? r.consecutiveGatewayFailure.incrementAndGet() : 0;
            if (!gateway) {
                r.consecutiveGatewayFailure.set(0);
            }
            if (c5 == config.consecutive5xx()) {
                requestEjection(s, config.enforcingConsecutive5xx());
            } else if (gateway && cg == config.consecutiveGatewayFailure()) {
                requestEjection(s, config.enforcingConsecutiveGatewayFailure());
            }
        } else {
            r.intervalSuccess.incrementAndGet();
            r.consecutive5xx.set(0);
            r.consecutiveGatewayFailure.set(0);
        }
    }

    /**
     * Reports a failure before any response: connect refused or timed out, reset (event loop).
     * Without {@code split_external_local_origin_errors} Envoy counts it as a 503.
     */
    public void reportLocalOriginFailure(Host host) {
        if (!config.splitExternalLocalOriginErrors()) {
            reportHttpStatus(host, 503);
            return;
        }
        HostState s = cluster.state(host);
        if (s == null) {
            return;
        }
        if (s.outlier.consecutiveLocalOriginFailure.incrementAndGet() == config.consecutiveLocalOriginFailure()) {
            requestEjection(s, config.enforcingConsecutiveLocalOriginFailure());
        }
    }

    /** Reports a connection established to {@code host} (event loop). */
    public void reportLocalOriginSuccess(Host host) {
        HostState s = cluster.state(host);
        if (s != null && config.splitExternalLocalOriginErrors()) {
            s.outlier.consecutiveLocalOriginFailure.set(0);
        }
    }

    private void requestEjection(HostState s, int enforcingPercent) {
        if (s.ejected() || !s.outlier.ejectionPending.compareAndSet(false, true)) {
            return;
        }
        control.execute(() -> {
            s.outlier.ejectionPending.set(false);
            if (eject(s, enforcingPercent)) {
                cluster.refresh();
            }
        });
    }

    /** Ejects {@code s} if enforcing and the ejection budget allow it. Control thread. */
    private boolean eject(HostState s, int enforcingPercent) {
        if (s.ejected() || cluster.state(s.host()) != s) {
            return false;
        }
        if (enforcingPercent < 100 && Long.remainderUnsigned(random.nextLong(), 100) >= enforcingPercent) {
            return false;
        }
        int total = 0;
        int ejected = 0;
        for (HostState h : cluster.states().all()) {
            total++;
            if (h.ejected()) {
                ejected++;
            }
        }
        if (ejected > 0 && 100.0 * (ejected + 1) / total > config.maxEjectionPercent()) {
            ejectionsOverflow.increment();
            return false;
        }
        OutlierRecord r = s.outlier;
        r.ejections++;
        r.ejectedAtMillis = clock.millis();
        r.consecutive5xx.set(0);
        r.consecutiveGatewayFailure.set(0);
        r.consecutiveLocalOriginFailure.set(0);
        s.setEjected(true);
        ejectionsEnforced.increment();
        return true;
    }

    /**
     * Envoy's {@code successful_active_health_check_uneject_host} (default true): a passing active
     * health check ends an ejection early. Called by {@link HealthChecker}; runs on the control thread.
     */
    public void activeHealthCheckPassed(Host host) {
        HostState s = cluster.state(host);
        if (s == null || !s.ejected()) {
            return;
        }
        control.execute(() -> {
            if (cluster.state(host) == s && s.setEjected(false)) {
                cluster.refresh();
            }
        });
    }

    /** One interval of evaluation; call every {@code interval} on the control thread. */
    public void tick() {
        long now = clock.millis();
        long base = config.baseEjectionTime().toMillis();
        long cap = Math.max(base, config.maxEjectionTime().toMillis());
        boolean changed = false;
        List<HostState> hosts = new ArrayList<>(cluster.states().all());
        for (HostState s : hosts) {
            OutlierRecord r = s.outlier;
            if (s.ejected()) {
                long duration = Math.min(cap, base * r.ejections);
                if (now - r.ejectedAtMillis >= duration) {
                    s.setEjected(false);
                    changed = true;
                }
            } else if (r.ejections > 0) {
                r.ejections--;
            }
        }
        changed |= successRate(hosts);
        changed |= failurePercentage(hosts);
        for (HostState s : hosts) {
            s.outlier.intervalSuccess.set(0);
            s.outlier.intervalTotal.set(0);
        }
        if (changed) {
            cluster.refresh();
        }
    }

    private boolean successRate(List<HostState> hosts) {
        List<HostState> eligible = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (HostState s : hosts) {
            long total = s.outlier.intervalTotal.get();
            if (total >= config.successRateRequestVolume()) {
                eligible.add(s);
                rates.add(100.0 * s.outlier.intervalSuccess.get() / total);
            }
        }
        if (eligible.size() < config.successRateMinimumHosts()) {
            return false;
        }
        double mean = 0;
        for (double r : rates) {
            mean += r;
        }
        mean /= rates.size();
        double variance = 0;
        for (double r : rates) {
            variance += (r - mean) * (r - mean);
        }
        double stdev = Math.sqrt(variance / rates.size());
        double threshold = mean - (config.successRateStdevFactor() / 1000.0) * stdev;
        boolean changed = false;
        for (int i = 0; i < eligible.size(); i++) {
            if (rates.get(i) < threshold) {
                changed |= eject(eligible.get(i), config.enforcingSuccessRate());
            }
        }
        return changed;
    }

    private boolean failurePercentage(List<HostState> hosts) {
        List<HostState> eligible = new ArrayList<>();
        for (HostState s : hosts) {
            if (s.outlier.intervalTotal.get() >= config.failurePercentageRequestVolume()) {
                eligible.add(s);
            }
        }
        if (eligible.size() < config.failurePercentageMinimumHosts()) {
            return false;
        }
        boolean changed = false;
        for (HostState s : eligible) {
            long total = s.outlier.intervalTotal.get();
            double failurePercent = 100.0 * (total - s.outlier.intervalSuccess.get()) / total;
            if (failurePercent >= config.failurePercentageThreshold()) {
                changed |= eject(s, config.enforcingFailurePercentage());
            }
        }
        return changed;
    }

    /** Runs {@link #tick()} every {@code interval} on {@code scheduler} (the control thread). */
    public ScheduledFuture<?> schedule(ScheduledExecutorService scheduler) {
        long ms = config.interval().toMillis();
        return scheduler.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** {@code outlier_detection.ejections_enforced_total}. */
    public long ejectionsEnforced() {
        return ejectionsEnforced.sum();
    }

    /** {@code outlier_detection.ejections_overflow}: ejections refused by max_ejection_percent. */
    public long ejectionsOverflow() {
        return ejectionsOverflow.sum();
    }

    public OutlierDetectionConfig config() {
        return config;
    }
}
