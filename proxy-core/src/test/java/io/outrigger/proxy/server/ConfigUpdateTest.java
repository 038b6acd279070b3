package io.outrigger.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.cluster.UpstreamHost;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Ports;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Applying a new snapshot to a running server, as the ADS client does on every xDS update: new
 * connections use the new configuration, open connections keep what they started with.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigUpdateTest {
    private static ConfigSnapshot version(String v, List<ListenerSpec> listeners, List<ClusterSpec> clusters) {
        ConfigSnapshot s = Snapshots.snapshot(0, listeners, clusters);
        return new ConfigSnapshot(s.node(), s.admin(), s.listeners(), s.clusters(), v, "xds");
    }

    private static Socket open(int port) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        return s;
    }

    private static void assertEchoes(Socket s, int value) throws Exception {
        s.getOutputStream().write(value);
        assertThat(s.getInputStream().read()).isEqualTo(value);
    }

    @Test
    void endpointUpdateSendsNewConnectionsToTheNewHostWhileOpenOnesStayOnTheOld() throws Exception {
        try (Backend a = Backend.echo(); Backend b = Backend.echo()) {
            // Port 0 in every version: the listener keeps the port it was given (no races for ports).
            ListenerSpec l = Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("tcp", "c"));
            try (ProxyServer server = InProcessProxy.start(version("1", List.of(l),
                    List.of(Snapshots.staticCluster("c", Duration.ofSeconds(1), a.port()))));
                 Socket first = open(server.listenerAddress("l").getPort())) {
                int port = server.listenerAddress("l").getPort();
                assertEchoes(first, 1);

                server.apply(version("2", List.of(l), List.of(Snapshots.staticCluster("c", Duration.ofSeconds(1),
                        b.port()))));

                try (Socket second = open(port)) {
                    assertEchoes(second, 2);
                }
                assertEchoes(first, 3);
                assertThat(a.accepted()).isEqualTo(1);
                assertThat(b.accepted()).isEqualTo(1);
                assertThat(server.clusters().iterator().next().hosts()).extracting(UpstreamHost::socketAddress)
                        .extracting(java.net.InetSocketAddress::getPort).containsExactly(b.port());
                assertThat(server.stats().value("cluster.c.upstream_cx_total")).isEqualTo(2);
                assertThat(server.stats().value("cluster.c.update_success")).isEqualTo(1);
            }
        }
    }

    @Test
    void removedListenerStopsAcceptingWhileItsConnectionContinuesAndANewListenerIsBound() throws Exception {
        try (Backend a = Backend.echo()) {
            List<ClusterSpec> clusters = List.of(Snapshots.staticCluster("c", Duration.ofSeconds(1), a.port()));
            try (ProxyServer server = InProcessProxy.start(version("1",
                    List.of(Snapshots.tcpListener("old", 0, Snapshots.tcpProxy("tcp", "c"))), clusters));
                 Socket open = open(server.listenerAddress("old").getPort())) {
                int oldPort = server.listenerAddress("old").getPort();
                assertEchoes(open, 1);

                server.apply(version("2",
                        List.of(Snapshots.tcpListener("new", 0, Snapshots.tcpProxy("tcp", "c"))), clusters));
                int newPort = server.listenerAddress("new").getPort();

                await().atMost(Duration.ofSeconds(10)).until(() -> !Ports.listening(oldPort));
                assertEchoes(open, 2);
                try (Socket fresh = open(newPort)) {
                    assertEchoes(fresh, 3);
                }
                assertThat(server.listenerAddress("old")).isNull();
            }
        }
    }

    @Test
    void routeToAnotherClusterAppliesToNewConnectionsAndReplacedClustersKeepTheirStats() throws Exception {
        int port = 0;
        try (Backend a = Backend.echo(); Backend b = Backend.echo()) {
            List<ClusterSpec> clusters = List.of(Snapshots.staticCluster("a", Duration.ofSeconds(1), a.port()),
                    Snapshots.staticCluster("b", Duration.ofSeconds(1), b.port()));
            try (ProxyServer server = InProcessProxy.start(version("1",
                    List.of(Snapshots.tcpListener("l", port, Snapshots.tcpProxy("tcp", "a"))), clusters))) {
                int bound = server.listenerAddress("l").getPort();
                try (Socket s = open(bound)) {
                    assertEchoes(s, 1);
                }

                // Route to b, and change a's connect timeout (a new cluster object for "a").
                server.apply(version("2", List.of(Snapshots.tcpListener("l", port, Snapshots.tcpProxy("tcp", "b"))),
                        List.of(Snapshots.staticCluster("a", Duration.ofSeconds(2), a.port()), clusters.get(1))));
                try (Socket s = open(bound)) {
                    assertEchoes(s, 2);
                }
                server.apply(version("3", List.of(Snapshots.tcpListener("l", port, Snapshots.tcpProxy("tcp", "a"))),
                        List.of(Snapshots.staticCluster("a", Duration.ofSeconds(2), a.port()), clusters.get(1))));
                try (Socket s = open(bound)) {
                    assertEchoes(s, 3);
                }

                assertThat(a.accepted()).isEqualTo(2);
                assertThat(b.accepted()).isEqualTo(1);
                assertThat(server.stats().value("cluster.a.upstream_cx_total")).isEqualTo(2);
                assertThat(server.stats().value("tcp.tcp.downstream_cx_total")).isEqualTo(3);
            }
        }
    }
}
