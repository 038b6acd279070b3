package io.outrigger.lb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

/**
 * Active health checking of one cluster's hosts. A dedicated scheduler thread (never an event
 * loop) runs one probing session per host, as Envoy does: probe, wait for the verdict (bounded by
 * {@code timeout}), then wait {@code interval} plus a random jitter before the next probe, so a
 * slow host never has two probes in flight and probes of many hosts spread out. Each probe runs on
 * a virtual thread with JDK sockets or {@link HttpClient}; verdicts come back to the scheduler
 * thread, which alone keeps the per-host streaks. Every {@code interval} the scheduler also picks
 * up hosts that joined. Verdicts are written to {@link HostState} and
 * the cluster's picker is rebuilt once per batch of changes, so the pickers see failed hosts as
 * unhealthy in Envoy's arithmetic.
 *
 * <p>An HTTP response carrying {@code x-envoy-degraded} passes the check but marks the host
 * degraded, as Envoy does: it then only takes the load healthy hosts cannot.
 *
 * <p>Like Envoy, a host that joins while health checking is on stays out of load balancing until
 * its first successful probe; hosts present when the checker starts keep their EDS health until
 * probes say otherwise.
 */
public final class HealthChecker implements AutoCloseable {
    private final ClusterLoadBalancer cluster;
    private final HealthCheckConfig config;
    private final RandomGenerator random;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;
    /** Hosts with a running probing session and their streaks. Scheduler thread only. */
    private final Map<HostState, Streak> sessions = new HashMap<>();
    private boolean refreshQueued;
    private volatile OutlierDetector unejectOnPass;
    private volatile boolean closed;
    private final LongAdder attempts = new LongAdder();
    private final LongAdder failures = new LongAdder();

    /** A probe's verdict. */
    enum Verdict { PASS, DEGRADED, FAIL }

    private static final class Streak {
        int successes;
        int failures;
    }

    public HealthChecker(ClusterLoadBalancer cluster, HealthCheckConfig config, RandomGenerator random, String name) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        Objects.requireNonNull(name, "name");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outrigger-hc-" + name);
            t.setDaemon(true);
            return t;
        });
        this.http = config.probe() instanceof HealthCheckConfig.HttpProbe
                ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.timeout())
                        .followRedirects(HttpClient.Redirect.NEVER).executor(probes).build()
                : null;
    }

    /**
     * Ends outlier ejections when a probe passes ({@code successful_active_health_check_uneject_host},
     * true by default in Envoy). Call before {@link #start()}.
     */
    public HealthChecker unejectOnPass(OutlierDetector detector) {
        this.unejectOnPass = Objects.requireNonNull(detector, "detector");
        return this;
    }

    /** Starts probing: every current host is probed now. */
    public void start() {
        cluster.states().setNewHostsPendingHealthCheck(true);
        scheduler.execute(this::discover);
    }

    /** Starts a session for each host without one; runs every interval. */
    private void discover() {
        if (closed) {
            return;
        }
        for (HostState s : cluster.states().all()) {
            if (!sessions.containsKey(s)) {
                sessions.put(s, new Streak());
                launch(s);
            }
        }
        scheduler.schedule(this::discover, config.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void launch(HostState s) {
        if (closed) {
            return;
        }
        probes.execute(() -> {
            Verdict verdict = probe(s.host());
            if (!closed) {
                scheduler.execute(() -> onResult(s, verdict));
            }
        });
    }

    private long nextDelayMillis() {
        long jitter = config.intervalJitter().toMillis();
        return config.interval().toMillis() + (jitter > 0 ? random.nextLong(jitter + 1) : 0);
    }

    private Verdict probe(Host host) {
        attempts.increment();
        Verdict verdict = switch (config.probe()) {
            case HealthCheckConfig.TcpProbe tcp -> tcpProbe(host, tcp);
            case HealthCheckConfig.HttpProbe httpProbe -> httpProbe(host, httpProbe);
        };
        if (verdict == Verdict.FAIL) {
            failures.increment();
        }
        return verdict;
    }

    private Verdict tcpProbe(Host host, HealthCheckConfig.TcpProbe probe) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host.address(), host.port()), (int) config.timeout().toMillis());
            byte[] send = probe.send();
            if (send.length > 0) {
                socket.getOutputStream().write(send);
                socket.getOutputStream().flush();
            }
            if (!probe.expectsReply()) {
                return Verdict.PASS;
            }
            byte[] buf = new byte[4096];
            int length = 0;
            while (!probe.matches(buf, length)) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0 || length == buf.length) {
                    return Verdict.FAIL;
                }
                socket.setSoTimeout((int) leftMillis);
                int n = socket.getInputStream().read(buf, length, buf.length - length);
                if (n < 0) {
                    return Verdict.FAIL;
                }
                length += n;
            }
            return Verdict.PASS;
        } catch (IOException e) {
            return Verdict.FAIL;
        }
    }

    private Verdict httpProbe(Host host, HealthCheckConfig.HttpProbe probe) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host.authority() + probe.path()))
                    .timeout(config.timeout()).header("User-Agent", "Outrigger-HealthChecker/1").GET().build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (!probe.expected(response.statusCode())) {
                return Verdict.FAIL;
            }
            return response.headers().firstValue("x-envoy-degraded").isPresent() ? Verdict.DEGRADED : Verdict.PASS;
        } catch (IOException | IllegalArgumentException e) {
            return Verdict.FAIL;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.FAIL;
        }
    }

    private void onResult(HostState s, Verdict verdict) {
        boolean ok = verdict != Verdict.FAIL;
        if (cluster.state(s.host()) != s) {
            sessions.remove(s);
            return; // the host left the cluster: its session ends
        }
        Streak streak = sessions.computeIfAbsent(s, k -> new Streak());
        scheduler.schedule(() -> launch(s), nextDelayMillis(), TimeUnit.MILLISECONDS);
        boolean changed = false;
        if (ok) {
            streak.successes++;
            streak.failures = 0;
            boolean firstCheckOfNewHost = s.failedActiveHealthCheck() && s.pendingFirstHealthCheck();
            if (s.failedActiveHealthCheck() && (firstCheckOfNewHost || streak.successes >= config.healthyThreshold())) {
                changed = s.setFailedActiveHealthCheck(false);
            }
            changed |= s.setDegradedByActiveHealthCheck(verdict == Verdict.DEGRADED);
            OutlierDetector detector = unejectOnPass;
            if (detector != null && s.ejected()) {
                detector.activeHealthCheckPassed(s.host());
            }
            s.clearPendingFirstHealthCheck();
        } else {
            streak.failures++;
            streak.successes = 0;
            if (!s.failedActiveHealthCheck() && streak.failures >= config.unhealthyThreshold()) {
                changed = s.setFailedActiveHealthCheck(true);
            }
            s.clearPendingFirstHealthCheck();
        }
        if (changed && !refreshQueued) {
            refreshQueued = true;
            // Queued behind the results already waiting, so one rebuild covers the whole batch.
            scheduler.execute(() -> {
                refreshQueued = false;
                cluster.refresh();
            });
        }
    }

    /** Probes run so far ({@code health_check.attempt}). */
    public long attempts() {
        return attempts.sum();
    }

    /** Probes that failed ({@code health_check.failure}). */
    public long failures() {
        return failures.sum();
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        probes.shutdownNow();
        if (http != null) {
            http.shutdownNow();
        }
        cluster.states().setNewHostsPendingHealthCheck(false);
    }
}
