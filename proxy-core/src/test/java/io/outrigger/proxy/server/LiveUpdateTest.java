package io.outrigger.proxy.server;

import static io.outrigger.proxy.testing.Snapshots.staticCluster;
import static io.outrigger.proxy.testing.Snapshots.tcpListener;
import static io.outrigger.proxy.testing.Snapshots.tcpProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.cluster.UpstreamHost;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Ports;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Configuration updates applied to a running server ({@link ProxyServer#apply}), with real sockets:
 * what changes for new connections, and what open connections keep.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveUpdateTest {
    private static final Duration CONNECT = Duration.ofSeconds(1);

    private static ConfigSnapshot config(String version, List<ListenerSpec> listeners, List<ClusterSpec> clusters) {
        ConfigSnapshot s = Snapshots.snapshot(0, listeners, clusters);
        return new ConfigSnapshot(s.node(), s.admin(), s.listeners(), s.clusters(), version, "xds:test");
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout(30_000);
        return s;
    }

    private static void roundTrip(Socket s, int b) throws IOException {
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
        assertThat(s.getInputStream().read()).as("echoed through the proxy").isEqualTo(b);
    }

    private static ClusterRuntime cluster(ProxyServer server, String name) {
        return server.clusters().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anIdenticalSnapshotWithANewVersionChangesNothing() throws Exception {
        try (Backend backend = Backend.echo();
             ProxyServer server = InProcessProxy.start(config("1",
                     List.of(tcpListener("l", 0, tcpProxy("tcp", "b"))), List.of(staticCluster("b", CONNECT, backend.port()))))) {
            InetSocketAddress before = server.listenerAddress("l");
            ClusterRuntime clusterBefore = cluster(server, "b");

            ProxyServer.UpdateResult r = server.apply(config("2",
                    List.of(tcpListener("l", 0, tcpProxy("tcp", "b"))), List.of(staticCluster("b", CONNECT, backend.port()))));

            assertThat(r.changed()).isFalse();
            assertThat(server.listenerAddress("l")).isEqualTo(before);
            assertThat(cluster(server, "b")).isSameAs(clusterBefore);
        }
    }

    @Test
    void aChangedListenerOnTheSameAddressSwapsItsChainsWithoutRebindingAndOpenConnectionsKeepTheirs() throws Exception {
        try (Backend first = Backend.echo(); Backend second = Backend.echo();
             ProxyServer server = InProcessProxy.start(config("1", List.of(tcpListener("l", 0, tcpProxy("tcp", "a"))),
                     List.of(staticCluster("a", CONNECT, first.port()), staticCluster("b", CONNECT, second.port()))))) {
            InetSocketAddress address = server.listenerAddress("l");
            try (Socket open = connect(address)) {
                roundTrip(open, 1);

                ProxyServer.UpdateResult r = server.apply(config("2", List.of(tcpListener("l", 0,
                        tcpProxy("tcp", "b"))), List.of(staticCluster("a", CONNECT, first.port()),
                        staticCluster("b", CONNECT, second.port()))));

                assertThat(r.changed()).isTrue();
                assertThat(r.rejected()).isEmpty();
                try (Socket fresh = connect(address)) {
                    roundTrip(fresh, 2);
                }
                assertThat(second.accepted()).as("the new connection took the new chain").isEqualTo(1);
                roundTrip(open, 3);
                assertThat(first.accepted()).as("the open connection kept its upstream").isEqualTo(1);
                assertThat(server.listenerAddress("l")).as("same socket").isEqualTo(address);
            }
        }
    }

    @Test
    void aListenerWhoseAddressChangedIsBoundAnewWhileTheOldSocketDrains() throws Exception {
        try (Backend backend = Backend.echo();
             ProxyServer server = InProcessProxy.start(config("1", List.of(tcpListener("l", 0, tcpProxy("tcp", "b"))),
                     List.of(staticCluster("b", CONNECT, backend.port()))),
                     InProcessProxy.options(1).withDrainTime(Duration.ofSeconds(60)))) {
            InetSocketAddress old = server.listenerAddress("l");
            try (Socket open = connect(old)) {
                roundTrip(open, 1);
                int newPort = Ports.free();

                server.apply(config("2", List.of(tcpListener("l", newPort, tcpProxy("tcp", "b"))),
                        List.of(staticCluster("b", CONNECT, backend.port()))));

                assertThat(server.listenerAddress("l").getPort()).isEqualTo(newPort);
                try (Socket fresh = connect(server.listenerAddress("l"))) {
                    roundTrip(fresh, 2);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> !Ports.listening(old.getPort()));
                roundTrip(open, 3);
            }
        }
    }

    @Test
    void connectionsOpenedWhileUpdatesSwapTheEndpointsAllSucceed() throws Exception {
        try (Backend first = Backend.echo(); Backend second = Backend.echo();
             ProxyServer server = InProcessProxy.start(config("0", List.of(tcpListener("l", 0, tcpProxy("tcp", "b"))),
                     List.of(staticCluster("b", CONNECT, first.port()))))) {
            InetSocketAddress address = server.listenerAddress("l");
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CompletableFuture<Void> client = java.util.concurrent.CompletableFuture.runAsync(() -> {
                // Bounded: stops when the updates are done, or after 5,000 connections.
                for (int i = 0; i < 5000 && !done.get(); i++) {
                    try (Socket s = connect(address)) {
                        roundTrip(s, i & 0x7f);
                        ok.incrementAndGet();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException("connection " + i + " failed during updates", e);
                    }
                }
            });
            try {
                for (int v = 1; v <= 40 && !client.isDone(); v++) {
                    int[] ports = switch (v % 3) {
                        case 0 -> new int[] {first.port()};
                        case 1 -> new int[] {second.port()};
                        default -> new int[] {first.port(), second.port()};
                    };
                    server.apply(config(String.valueOf(v), List.of(tcpListener("l", 0, tcpProxy("tcp", "b"))),
                            List.of(staticCluster("b", CONNECT, ports))));
                    Thread.onSpinWait();
                    int before = ok.get();
                    await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() > before || client.isDone());
                }
            } finally {
                done.set(true);
            }
            client.get(60, TimeUnit.SECONDS);
            assertThat(ok.get()).isPositive();
            assertThat(first.accepted()).isPositive();
            assertThat(second.accepted()).isPositive();
            assertThat(first.accepted() + second.accepted()).as("every connection reached a backend").isEqualTo(ok.get());
        }
    }

    @Test
    void aListenerRenamedOnTheSameAddressServesThatAddress() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo();
             ProxyServer server = InProcessProxy.start(config("1", List.of(tcpListener("old", port, tcpProxy("tcp", "b"))),
                     List.of(staticCluster("b", CONNECT, backend.port()))))) {

            ProxyServer.UpdateResult r = server.apply(config("2", List.of(tcpListener("new", port, tcpProxy("tcp2", "b"))),
                    List.of(staticCluster("b", CONNECT, backend.port()))));

            assertThat(r.rejected()).isEmpty();
            assertThat(server.listenerAddress("old")).isNull();
            assertThat(server.listenerAddress("new").getPort()).isEqualTo(port);
            try (Socket s = connect(server.listenerAddress("new"))) {
                roundTrip(s, 1);
            }
            assertThat(server.stats().value("tcp.tcp2.downstream_cx_total")).isEqualTo(1);
        }
    }

    @Test
    void aRemovedListenerStopsAcceptingAndClosesWhatIsStillOpenWhenTheDrainTimeEnds() throws Exception {
        Duration drainTime = Duration.ofSeconds(2);
        try (Backend backend = Backend.echo();
             ProxyServer server = InProcessProxy.start(config("1", List.of(tcpListener("gone", 0, tcpProxy("tcp", "b")),
                     tcpListener("stays", 0, tcpProxy("tcp2", "b"))), List.of(staticCluster("b", CONNECT, backend.port()))),
                     InProcessProxy.options(2).withDrainTime(drainTime))) {
            InetSocketAddress gone = server.listenerAddress("gone");
            try (Socket open = connect(gone)) {
                roundTrip(open, 1);
                long start = System.nanoTime();

                server.apply(config("2", List.of(tcpListener("stays", 0,
                        tcpProxy("tcp2", "b"))), List.of(staticCluster("b", CONNECT, backend.port()))));

                assertThat(server.listenerAddress("gone")).isNull();
                await().atMost(Duration.ofSeconds(30)).until(() -> !Ports.listening(gone.getPort()));
                roundTrip(open, 2);
                InputStream in = open.getInputStream();
                assertThat(in.read()).as("closed by the proxy at the end of the drain time").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(drainTime.minusMillis(100));
                assertThat(server.stats().value("listener_manager.listener_removed")).isEqualTo(1);
            }
        }
    }

    @Test
    void aClusterUpdateKeepsTheBalancerAndPerHostStateOfTheHostsThatRemain() throws Exception {
        try (Backend first = Backend.echo(); Backend second = Backend.echo();
             ProxyServer server = InProcessProxy.start(config("1", List.of(tcpListener("l", 0, tcpProxy("tcp", "b"))),
                     List.of(staticCluster("b", CONNECT, first.port()))))) {
            InetSocketAddress address = server.listenerAddress("l");
            ClusterRuntime before = cluster(server, "b");
            try (Socket open = connect(address)) {
                roundTrip(open, 1);

                server.apply(config("2", List.of(tcpListener("l", 0, tcpProxy("tcp", "b"))),
                        List.of(staticCluster("b", Duration.ofSeconds(2), first.port(), second.port()))));

                ClusterRuntime after = cluster(server, "b");
                assertThat(after).isNotSameAs(before);
                assertThat(after.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
                assertThat(after.hostSet().loadBalancer()).as("same balancer").isSameAs(before.hostSet().loadBalancer());
                UpstreamHost kept = host(after, first.port());
                assertThat(kept.stats().cxActive().sum()).as("the open connection still counts on its host").isEqualTo(1);
                assertThat(after.hosts()).hasSize(2);
                roundTrip(open, 2);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> host(cluster(server, "b"), first.port()).stats().cxActive().sum() == 0);
            assertThat(server.stats().value("cluster_manager.cluster_modified")).isEqualTo(1);
        }
    }

    private static UpstreamHost host(ClusterRuntime c, int port) {
        return c.hosts().stream().filter(h -> h.socketAddress().getPort() == port).findFirst().orElseThrow();
    }

    @Test
    void aListenerThatCannotBindIsRejectedAloneAndKeepsItsPreviousVersion() throws Exception {
        try (Backend backend = Backend.echo();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ProxyServer server = InProcessProxy.start(config("1", List.of(tcpListener("l", 0, tcpProxy("tcp", "b"))),
                     List.of(staticCluster("b", CONNECT, backend.port()))))) {
            InetSocketAddress address = server.listenerAddress("l");

            ProxyServer.UpdateResult r = server.apply(config("2", List.of(
                    tcpListener("l", taken.getLocalPort(), tcpProxy("tcp", "b")),
                    tcpListener("added", 0, tcpProxy("tcp2", "b"))), List.of(staticCluster("b", CONNECT, backend.port()))));

            assertThat(r.rejected()).singleElement().satisfies(p -> {
                assertThat(p.resourceName()).isEqualTo("l");
                assertThat(p.toString()).contains(String.valueOf(taken.getLocalPort()));
            });
            assertThat(server.listenerAddress("l")).as("previous version kept").isEqualTo(address);
            assertThat(server.stats().value("listener_manager.listener_create_failure")).isEqualTo(1);
            try (Socket s = connect(address)) {
                roundTrip(s, 1);
            }
            try (Socket s = connect(server.listenerAddress("added"))) {
                roundTrip(s, 2);
            }
        }
    }

    @Test
    void aListenerNamingAnAbsentClusterServesOnceTheClusterArrives() throws Exception {
        try (Backend backend = Backend.echo();
             ProxyServer server = InProcessProxy.start(config("1", List.of(tcpListener("l", 0, tcpProxy("tcp", "later"))),
                     List.of()))) {
            InetSocketAddress address = server.listenerAddress("l");
            try (Socket s = connect(address)) {
                assertThat(s.getInputStream().read()).as("closed: no cluster yet (Envoy: downstream_cx_no_route)").isEqualTo(-1);
            }
            assertThat(server.stats().value("tcp.tcp.downstream_cx_no_route")).isEqualTo(1);

            server.apply(config("2", List.of(tcpListener("l", 0, tcpProxy("tcp", "later"))),
                    List.of(staticCluster("later", CONNECT, backend.port()))));

            try (Socket s = connect(address)) {
                roundTrip(s, 1);
            }
        }
    }
}
