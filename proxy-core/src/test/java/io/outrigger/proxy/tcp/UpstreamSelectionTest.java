package io.outrigger.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.cluster.UpstreamHost;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Ports;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which upstream a connection reaches: connect failures, timeouts, weighted clusters, DNS. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpstreamSelectionTest {

    private static ProxyServer proxy(List<WeightedClusterSpec> route, List<ClusterSpec> clusters) throws Exception {
        return InProcessProxy.start(Snapshots.snapshot(0,
                List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("tcp", route, Duration.ofHours(1)))),
                clusters));
    }

    private static byte echoOnce(ProxyServer server, int value) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.listenerAddress("l").getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(value);
            return (byte) s.getInputStream().read();
        }
    }

    private static UpstreamHost host(ProxyServer server, String cluster, int port) {
        for (ClusterRuntime c : server.clusters()) {
            if (c.name().equals(cluster)) {
                for (UpstreamHost h : c.hostSet().hosts()) {
                    if (h.host().port() == port) {
                        return h;
                    }
                }
            }
        }
        throw new AssertionError("no host " + port + " in " + cluster);
    }

    @Test
    void refusedFirstEndpointIsFollowedByTheNextAndCountedAsOneConnectFail() throws Exception {
        int dead = Ports.free();
        try (Backend live = Backend.echo();
             ProxyServer server = proxy(List.of(new WeightedClusterSpec("c", 1)), List.of(Snapshots.cluster("c",
                     ClusterSpec.DiscoveryType.STATIC, Duration.ofSeconds(2), List.of(
                             // Priority 0 gets every pick while it is "healthy" (no health checks), so
                             // the dead endpoint is always tried first and the live one only after it.
                             new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 0,
                                     List.of(Snapshots.endpoint("127.0.0.1", dead))),
                             new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 1,
                                     List.of(Snapshots.endpoint("127.0.0.1", live.port())))))))) {

            assertThat(echoOnce(server, 9)).isEqualTo((byte) 9);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(server.stats().value("cluster.c.upstream_cx_connect_fail")).isEqualTo(1);
                assertThat(server.stats().value("cluster.c.upstream_cx_total")).isEqualTo(2);
                assertThat(host(server, "c", dead).stats().cxConnectFail().sum()).isEqualTo(1);
                assertThat(host(server, "c", live.port()).stats().rqTotal().sum()).isEqualTo(1);
                assertThat(server.stats().value("cluster.c.upstream_cx_active")).isZero();
            });
        }
    }

    @Test
    void whenEveryEndpointRefusesTheClientIsClosedWithinConnectTimeoutPlus100Ms() throws Exception {
        Duration connectTimeout = Duration.ofMillis(500);
        try (ProxyServer server = proxy(List.of(new WeightedClusterSpec("c", 1)),
                List.of(Snapshots.staticCluster("c", connectTimeout, Ports.free(), Ports.free())));
             Socket s = new Socket("127.0.0.1", server.listenerAddress("l").getPort())) {
            s.setSoTimeout(30_000);
            long start = System.nanoTime();

            int read = s.getInputStream().read();

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(read).isEqualTo(-1);
            assertThat(took).isLessThan(connectTimeout.plusMillis(100));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(server.stats().value("cluster.c.upstream_cx_connect_fail")).isEqualTo(2));
        }
    }

    @Test
    void anEndpointThatNeverAnswersTheHandshakeTimesOutAfterConnectTimeout() throws Exception {
        Duration connectTimeout = Duration.ofMillis(300);
        // A listener that never accepts, with its accept queue filled: the kernel drops further SYNs,
        // so a connect neither succeeds nor is refused (a black hole on loopback).
        try (ServerSocket blackhole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket f = new Socket();
                    try {
                        f.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), blackhole.getLocalPort()), 200);
                        fillers.add(f);
                    } catch (java.io.IOException full) {
                        f.close();
                        break;
                    }
                }
                try (ProxyServer server = proxy(List.of(new WeightedClusterSpec("c", 1)),
                        List.of(Snapshots.staticCluster("c", connectTimeout, blackhole.getLocalPort())));
                     Socket s = new Socket("127.0.0.1", server.listenerAddress("l").getPort())) {
                    s.setSoTimeout(30_000);
                    long start = System.nanoTime();

                    int read = s.getInputStream().read();

                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertThat(read).isEqualTo(-1);
                    assertThat(took).isBetween(connectTimeout.minusMillis(50), connectTimeout.plusMillis(100));
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        assertThat(server.stats().value("cluster.c.upstream_cx_connect_timeout")).isEqualTo(1);
                        assertThat(server.stats().value("cluster.c.upstream_cx_connect_fail")).isEqualTo(1);
                    });
                }
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }

    @Test
    void weightedClustersSplitAThousandConnections80To20WithinFivePoints() throws Exception {
        int connections = 1000;
        try (Backend a = Backend.echo(); Backend b = Backend.echo();
             ProxyServer server = proxy(List.of(new WeightedClusterSpec("a", 80), new WeightedClusterSpec("b", 20)),
                     List.of(Snapshots.staticCluster("a", Duration.ofSeconds(2), a.port()),
                             Snapshots.staticCluster("b", Duration.ofSeconds(2), b.port())))) {
            for (int i = 0; i < connections; i++) {
                assertThat(echoOnce(server, i & 0x7f)).isEqualTo((byte) (i & 0x7f));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> a.accepted() + b.accepted() == connections);
            double shareA = 100.0 * a.accepted() / connections;
            assertThat(shareA).isBetween(75.0, 85.0);
            assertThat(server.stats().value("cluster.a.upstream_cx_total")).isEqualTo(a.accepted());
            assertThat(server.stats().value("cluster.b.upstream_cx_total")).isEqualTo(b.accepted());
        }
    }

    @Test
    void strictDnsClusterFollowsItsNameToNewAddresses() throws Exception {
        Map<String, List<InetAddress>> dns = new ConcurrentHashMap<>();
        try (Backend first = Backend.echo()) {
            // The resolver is injected: the test changes its answer and watches the cluster follow.
            dns.put("svc.test", List.of(InetAddress.ofLiteral("127.0.0.1")));
            ClusterSpec c = Snapshots.cluster("dns", ClusterSpec.DiscoveryType.STRICT_DNS, Duration.ofSeconds(2),
                    List.of(new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 0,
                            List.of(Snapshots.endpoint("svc.test", first.port())))));
            try (ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0,
                    List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("tcp", "dns"))), List.of(c)),
                    InProcessProxy.options(5).withResolver(host -> {
                        List<InetAddress> answer = dns.get(host);
                        if (answer == null) {
                            throw new java.net.UnknownHostException(host);
                        }
                        return answer;
                    }, Duration.ofMillis(100)))) {
                assertThat(echoOnce(server, 1)).isEqualTo((byte) 1);
                assertThat(first.accepted()).isEqualTo(1);

                // The name now resolves to two addresses: STRICT_DNS makes a host of each.
                dns.put("svc.test", List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("127.0.0.2")));
                ClusterRuntime runtime = server.clusters().iterator().next();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(runtime.hostSet().hosts()).extracting(h -> h.host().address())
                                .containsExactly("127.0.0.1", "127.0.0.2"));
                assertThat(server.stats().value("cluster.dns.membership_total")).isEqualTo(2);

                // A failed lookup keeps the last hosts, as Envoy does.
                dns.remove("svc.test");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(server.stats().value("cluster.dns.update_failure")).isPositive());
                assertThat(runtime.hostSet().hosts()).hasSize(2);
            }
        }
    }

    @Test
    void logicalDnsClusterUsesOnlyTheFirstResolvedAddress() throws Exception {
        try (Backend backend = Backend.echo()) {
            ClusterSpec c = Snapshots.cluster("logical", ClusterSpec.DiscoveryType.LOGICAL_DNS, Duration.ofSeconds(2),
                    List.of(new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 0,
                            List.of(Snapshots.endpoint("svc.test", backend.port())))));
            try (ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0,
                    List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("tcp", "logical"))), List.of(c)),
                    InProcessProxy.options(5).withResolver(host -> List.of(InetAddress.ofLiteral("127.0.0.1"),
                            InetAddress.ofLiteral("127.0.0.3")), Duration.ofSeconds(5)))) {
                assertThat(server.clusters().iterator().next().hostSet().hosts())
                        .extracting(h -> h.host().authority()).containsExactly("127.0.0.1:" + backend.port());
                assertThat(echoOnce(server, 3)).isEqualTo((byte) 3);
            }
        }
    }
}
