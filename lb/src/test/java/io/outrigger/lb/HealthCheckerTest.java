package io.outrigger.lb;

import static io.outrigger.lb.Fixtures.flat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Active health checks against real loopback servers. */
class HealthCheckerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ClusterLoadBalancer lb = LoadBalancers.cluster(LbConfig.of(LbPolicy.ROUND_ROBIN),
            new SplittableRandom(1), new Fixtures.MutableClock());

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private ServerSocket tcpServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().available();
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private HttpServer httpServer(AtomicInteger status) throws IOException {
        return httpServer(status, new java.util.concurrent.atomic.AtomicBoolean());
    }

    private HttpServer httpServer(AtomicInteger status, java.util.concurrent.atomic.AtomicBoolean degraded)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/healthz", exchange -> {
            if (degraded.get()) {
                exchange.getResponseHeaders().add("x-envoy-degraded", "");
            }
            byte[] body = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        closeables.add(() -> server.stop(0));
        return server;
    }

    private HealthChecker checker(HealthCheckConfig.Probe probe, int unhealthy, int healthy) {
        HealthCheckConfig config = new HealthCheckConfig(Duration.ofMillis(50), Duration.ofSeconds(5), unhealthy,
                healthy, Duration.ofMillis(10), probe);
        HealthChecker hc = new HealthChecker(lb, config, new SplittableRandom(3), "test");
        closeables.add(hc);
        return hc;
    }

    private Set<Host> picked(int picks) {
        Set<Host> seen = new HashSet<>();
        for (int i = 0; i < picks; i++) {
            seen.add(lb.pick(0));
        }
        return seen;
    }

    @Test
    void tcpCheckTakesAHostThatRefusesConnectionsOutOfRotation() throws IOException {
        Host up = Host.of("127.0.0.1", tcpServer().getLocalPort());
        Host down = Host.of("127.0.0.1", closedPort());
        Host up2 = Host.of("127.0.0.1", tcpServer().getLocalPort());
        lb.update(flat(List.of(up, down, up2)));
        HealthChecker hc = checker(new HealthCheckConfig.TcpProbe(), 2, 1);
        hc.start();
        await().atMost(WAIT).until(() -> lb.state(down).failedActiveHealthCheck());
        await().atMost(WAIT).until(() -> picked(30).equals(Set.of(up, up2)));
        assertThat(lb.state(up).failedActiveHealthCheck()).isFalse();
        assertThat(hc.failures()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void httpCheckFailsOnUnexpectedStatusAndPassesAgainAfterHealthyThreshold() throws IOException {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = httpServer(status);
        Host checked = Host.of("127.0.0.1", server.getAddress().getPort());
        AtomicInteger ok = new AtomicInteger(200);
        Host other = Host.of("127.0.0.1", httpServer(ok).getAddress().getPort());
        Host third = Host.of("127.0.0.1", httpServer(ok).getAddress().getPort());
        lb.update(flat(List.of(checked, other, third)));
        HealthChecker hc = checker(HealthCheckConfig.HttpProbe.of("/healthz"), 3, 2);
        hc.start();
        await().atMost(WAIT).until(() -> hc.attempts() >= 6);
        assertThat(lb.state(checked).failedActiveHealthCheck()).isFalse();

        status.set(503);
        await().atMost(WAIT).until(() -> lb.state(checked).failedActiveHealthCheck());
        await().atMost(WAIT).until(() -> !picked(30).contains(checked));
        assertThat(lb.state(other).failedActiveHealthCheck()).isFalse();

        status.set(200);
        await().atMost(WAIT).until(() -> !lb.state(checked).failedActiveHealthCheck());
        await().atMost(WAIT).until(() -> picked(30).contains(checked));
    }

    @Test
    void expectedStatusesAcceptConfiguredRanges() throws IOException {
        AtomicInteger status = new AtomicInteger(204);
        HttpServer server = httpServer(status);
        Host checked = Host.of("127.0.0.1", server.getAddress().getPort());
        lb.update(flat(List.of(checked)));
        HealthChecker hc = checker(new HealthCheckConfig.HttpProbe("/healthz",
                List.of(new HealthCheckConfig.StatusRange(200, 300))), 3, 1);
        hc.start();
        // Were 204 unexpected, every probe would fail and 3 of them would fail the host.
        await().atMost(WAIT).until(() -> hc.attempts() >= 6);
        assertThat(lb.state(checked).failedActiveHealthCheck()).isFalse();
        assertThat(hc.failures()).isLessThan(hc.attempts());
    }

    @Test
    void hostJoiningWhileCheckingWaitsForItsFirstPassingProbe() throws IOException {
        Host first = Host.of("127.0.0.1", tcpServer().getLocalPort());
        Host second = Host.of("127.0.0.1", tcpServer().getLocalPort());
        lb.update(flat(List.of(first, second)));
        HealthChecker hc = checker(new HealthCheckConfig.TcpProbe(), 2, 3);
        hc.start();
        Host joining = Host.of("127.0.0.1", tcpServer().getLocalPort());
        lb.update(flat(List.of(first, second, joining)));
        assertThat(lb.state(joining).failedActiveHealthCheck()).isTrue();
        // One success is enough for a new host (Envoy), although healthy_threshold is 3.
        await().atMost(WAIT).until(() -> !lb.state(joining).failedActiveHealthCheck());
        await().atMost(WAIT).until(() -> picked(30).contains(joining));
    }

    @Test
    void xEnvoyDegradedHeaderMarksTheHostDegradedSoItTakesOnlyLeftoverLoad() throws IOException {
        AtomicInteger ok = new AtomicInteger(200);
        java.util.concurrent.atomic.AtomicBoolean degraded = new java.util.concurrent.atomic.AtomicBoolean(true);
        Host flagged = Host.of("127.0.0.1", httpServer(ok, degraded).getAddress().getPort());
        List<Host> hosts = new ArrayList<>(List.of(flagged));
        for (int i = 0; i < 4; i++) {
            hosts.add(Host.of("127.0.0.1", httpServer(ok).getAddress().getPort()));
        }
        lb.update(flat(hosts));
        // A high unhealthy threshold: a probe slowed past its timeout on a loaded machine must not
        // fail the other hosts, which would hand load to the degraded one for the wrong reason.
        HealthChecker hc = checker(HealthCheckConfig.HttpProbe.of("/healthz"), 1_000, 1);
        hc.start();
        await().atMost(WAIT).until(() -> lb.state(flagged).degradedByActiveHealthCheck());
        // 4 of 5 healthy: 80% x 1.4 > 100%, so the degraded host gets nothing.
        await().atMost(WAIT).until(() -> !picked(50).contains(flagged));
        degraded.set(false);
        await().atMost(WAIT).until(() -> !lb.state(flagged).degradedByActiveHealthCheck());
        await().atMost(WAIT).until(() -> picked(50).contains(flagged));
    }

    @Test
    void passingProbeEndsAnOutlierEjectionEarly() throws IOException {
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hosts.add(Host.of("127.0.0.1", tcpServer().getLocalPort()));
        }
        lb.update(flat(hosts));
        Fixtures.MutableClock clock = new Fixtures.MutableClock();
        OutlierDetector od = new OutlierDetector(lb, OutlierDetectionConfig.envoyDefaults(), clock,
                new SplittableRandom(4), Runnable::run);
        for (int i = 0; i < 5; i++) {
            od.reportHttpStatus(hosts.get(0), 503);
        }
        assertThat(lb.state(hosts.get(0)).ejected()).isTrue();
        // The fake clock never reaches base_ejection_time: only the health check can bring it back.
        checker(new HealthCheckConfig.TcpProbe(), 2, 1).unejectOnPass(od).start();
        await().atMost(WAIT).until(() -> !lb.state(hosts.get(0)).ejected());
        await().atMost(WAIT).until(() -> picked(30).contains(hosts.get(0)));
    }

    @Test
    void aSlowHostNeverHasTwoProbesInFlight() throws IOException {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/healthz", exchange -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(300); // six probe intervals
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            served.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        closeables.add(() -> server.stop(0));
        Host slow = Host.of("127.0.0.1", server.getAddress().getPort());
        lb.update(flat(List.of(slow)));
        checker(HealthCheckConfig.HttpProbe.of("/healthz"), 3, 1).start();
        await().atMost(WAIT).until(() -> served.get() >= 4);
        assertThat(maxInFlight.get()).isEqualTo(1);
    }

    @Test
    void tcpCheckWithPayloadPassesOnlyWhenTheExpectedBlocksComeBackInOrder() throws IOException {
        // A tiny "PING" -> "+PONG" server, as a Redis-style TCP health check would expect.
        java.util.concurrent.atomic.AtomicReference<String> reply = new java.util.concurrent.atomic.AtomicReference<>("+PONG\r\n");
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            byte[] in = new byte[4];
                            new java.io.DataInputStream(s.getInputStream()).readFully(in);
                            if (new String(in, java.nio.charset.StandardCharsets.US_ASCII).equals("PING")) {
                                s.getOutputStream().write(reply.get().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                            }
                        } catch (IOException ignored) {
                            // the probe gave up: nothing to answer
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        Host redis = Host.of("127.0.0.1", server.getLocalPort());
        lb.update(flat(List.of(redis)));
        HealthCheckConfig.TcpProbe probe = new HealthCheckConfig.TcpProbe(
                "PING".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                List.of("+".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        "PONG".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        HealthChecker hc = checker(probe, 2, 1);
        hc.start();
        await().atMost(WAIT).until(() -> hc.attempts() >= 3);
        assertThat(lb.state(redis).failedActiveHealthCheck()).isFalse();
        reply.set("-ERR loading\r\n");
        await().atMost(WAIT).until(() -> lb.state(redis).failedActiveHealthCheck());
    }
}
