package io.outrigger.proxy.http.upstream;

import io.outrigger.lb.CircuitBreaker;
import io.outrigger.lb.CircuitBreakerThresholds;
import io.outrigger.lb.ClusterLoadBalancer;
import io.outrigger.lb.Host;
import io.outrigger.lb.OutlierDetectionConfig;
import io.outrigger.lb.OutlierDetector;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.cluster.HostSet;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.xds.snapshot.CircuitBreakersSpec;
import io.outrigger.xds.snapshot.OutlierDetectionSpec;
import io.outrigger.xds.snapshot.UpstreamHttpSpec;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * A cluster's HTTP-level state shared by every event loop: its circuit breaker, its outlier
 * detector (fed with response codes and local-origin failures) and Envoy's {@code upstream_rq_*}
 * stats. Built once per cluster when config is applied.
 */
public final class ClusterHttp implements AutoCloseable {
    // The cluster's current version: an endpoint-only update moves it to the successor (control
    // thread); requests read it once each.
    private volatile ClusterRuntime cluster;
    private final UpstreamHttpSpec spec;
    private final CircuitBreaker breaker;
    private final OutlierDetector outlier;
    private final ScheduledFuture<?> outlierTicks;
    // The balancer the detector watches: a successor cluster (any update that keeps the policy) shares it.
    private final ClusterLoadBalancer outlierBalancer;
    /** {@code cluster.<name>.upstream_rq_*}. */
    public final LongAdder rqTotal;
    public final LongAdder rqRetry;
    public final LongAdder rqRetrySuccess;
    public final LongAdder rqRetryOverflow;
    public final LongAdder rqPendingOverflow;
    public final LongAdder rqTimeout;
    public final LongAdder rqPerTryTimeout;
    public final LongAdder rq2xx;
    public final LongAdder rq4xx;
    public final LongAdder rq5xx;

    /**
     * @param control the thread outlier ejections and ticks run on
     */
    public ClusterHttp(ClusterRuntime cluster, Stats stats, Clock clock, RandomGenerator random,
                       ScheduledExecutorService control) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.spec = cluster.spec().http();
        CircuitBreakersSpec cb = spec.circuitBreakers();
        this.breaker = new CircuitBreaker(new CircuitBreakerThresholds(cb.maxConnections(), cb.maxPendingRequests(),
                cb.maxRequests(), cb.maxRetries(), cb.hasRetryBudget()
                ? new CircuitBreakerThresholds.RetryBudget(cb.retryBudgetPercent(), cb.minRetryConcurrency()) : null));
        Stats.Scope s = Stats.Scope.cluster(cluster.name());
        rqTotal = stats.counter(s, "upstream_rq_total");
        rqRetry = stats.counter(s, "upstream_rq_retry");
        rqRetrySuccess = stats.counter(s, "upstream_rq_retry_success");
        rqRetryOverflow = stats.counter(s, "upstream_rq_retry_overflow");
        rqPendingOverflow = stats.counter(s, "upstream_rq_pending_overflow");
        rqTimeout = stats.counter(s, "upstream_rq_timeout");
        rqPerTryTimeout = stats.counter(s, "upstream_rq_per_try_timeout");
        rq2xx = stats.counter(s, "upstream_rq_2xx");
        rq4xx = stats.counter(s, "upstream_rq_4xx");
        rq5xx = stats.counter(s, "upstream_rq_5xx");
        // Outlier detection needs the cluster's own balancer (ejections rebuild its picker). DNS
        // clusters get a new balancer per refresh, so only a fixed host set is watched.
        HostSet hs = cluster.hostSet();
        OutlierDetector detector = null;
        ScheduledFuture<?> ticks = null;
        if (hs.loadBalancer() instanceof ClusterLoadBalancer clb
                && cluster.spec().type() != io.outrigger.xds.snapshot.ClusterSpec.DiscoveryType.STRICT_DNS
                && cluster.spec().type() != io.outrigger.xds.snapshot.ClusterSpec.DiscoveryType.LOGICAL_DNS) {
            OutlierDetectionSpec o = spec.outlierDetection();
            OutlierDetectionConfig config = o == null ? OutlierDetectionConfig.whenUnset() : toConfig(o);
            detector = new OutlierDetector(clb, config, clock, random, control);
            ticks = detector.schedule(control);
        }
        this.outlier = detector;
        this.outlierTicks = ticks;
        this.outlierBalancer = detector == null ? null : (ClusterLoadBalancer) hs.loadBalancer();
    }

    private static OutlierDetectionConfig toConfig(OutlierDetectionSpec o) {
        OutlierDetectionConfig d = OutlierDetectionConfig.envoyDefaults();
        return new OutlierDetectionConfig(o.consecutive5xx(), o.consecutiveGatewayFailure(), o.consecutiveLocalOriginFailure(),
                o.interval(), o.baseEjectionTime(), o.maxEjectionTime(), o.maxEjectionPercent(), o.enforcingConsecutive5xx(),
                o.enforcingConsecutiveGatewayFailure(), o.enforcingConsecutiveLocalOriginFailure(), o.enforcingSuccessRate(),
                d.successRateMinimumHosts(), d.successRateRequestVolume(), d.successRateStdevFactor(),
                d.failurePercentageThreshold(), d.enforcingFailurePercentage(), d.failurePercentageMinimumHosts(),
                d.failurePercentageRequestVolume(), o.splitExternalLocalOriginErrors());
    }

    public ClusterRuntime cluster() {
        return cluster;
    }

    /**
     * Moves this state to {@code successor}, the next version of the same cluster with other
     * endpoints only: it shares the balancer the circuit breaker, outlier detection and pools
     * work with. Control thread.
     */
    public void follow(ClusterRuntime successor) {
        Objects.requireNonNull(successor, "successor");
        ClusterRuntime c = cluster;
        if (successor != c && !successor.sharesBalancerWith(c)) {
            throw new IllegalArgumentException("successor: cluster " + successor.name()
                    + " with its own balancer (expected: the successor of " + c.name() + ")");
        }
        cluster = successor;
    }

    public UpstreamHttpSpec spec() {
        return spec;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Feeds outlier detection with a response status (event loop). */
    public void reportStatus(Host host, int status) {
        if (outlier != null && cluster.hostSet().loadBalancer() == outlierBalancer) {
            outlier.reportHttpStatus(host, status);
        }
    }

    /** Feeds outlier detection with a connect failure or a reset before the response (event loop). */
    public void reportLocalFailure(Host host) {
        if (outlier != null && cluster.hostSet().loadBalancer() == outlierBalancer) {
            outlier.reportLocalOriginFailure(host);
        }
    }

    public void reportLocalSuccess(Host host) {
        if (outlier != null && cluster.hostSet().loadBalancer() == outlierBalancer) {
            outlier.reportLocalOriginSuccess(host);
        }
    }

    /** Ejections enforced so far. */
    public long ejectionsEnforced() {
        return outlier == null ? 0 : outlier.ejectionsEnforced();
    }

    @Override
    public void close() {
        if (outlierTicks != null) {
            outlierTicks.cancel(false);
        }
    }
}
