package io.outrigger.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.cluster.UpstreamHost;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.HttpBackend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Ports;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.HttpFilterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.RouteConfigSpec;
import io.outrigger.xds.snapshot.RouteMatchSpec;
import io.outrigger.xds.snapshot.RouteSpec;
import io.outrigger.xds.snapshot.VirtualHostSpec;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

    private static HttpConnectionManagerSpec routeAllTo(String cluster) {
        RouteConfigSpec rc = new RouteConfigSpec("rc", List.of(new VirtualHostSpec("all", List.of("*"),
                List.of(new RouteSpec("root", RouteMatchSpec.prefix("/"), RouteActionSpec.Forward.cluster(cluster))))));
        return HttpConnectionManagerSpec.of("ingress", HttpConnectionManagerSpec.CodecType.AUTO, rc,
                List.of(new HttpFilterSpec.Router("envoy.filters.http.router")));
    }

    /** One GET on a raw HTTP/1.1 connection (kept open for the next), returning the response body. */
    private static String get(Socket s, String path) throws Exception {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: svc\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            assertThat(c).as("response head so far: %s", head).isNotNegative();
            head.append((char) c);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200");
        int length = -1;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        assertThat(length).as("content-length in %s", head).isNotNegative();
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void httpListenerAddedByAnUpdateRoutesAndARouteChangeAppliesToNewConnectionsOnly() throws Exception {
        try (HttpBackend a = HttpBackend.echo("a"); HttpBackend b = HttpBackend.echo("b")) {
            List<ClusterSpec> clusters = List.of(Snapshots.staticCluster("a", Duration.ofSeconds(1), a.port()),
                    Snapshots.staticCluster("b", Duration.ofSeconds(1), b.port()));
            ListenerSpec tcp = Snapshots.tcpListener("tcp", 0, Snapshots.tcpProxy("tcp", "a"));
            try (ProxyServer server = InProcessProxy.start(version("1", List.of(tcp), clusters))) {
                server.apply(version("2", List.of(tcp, Snapshots.httpListener("http", 0, routeAllTo("a"))), clusters));
                int port = server.listenerAddress("http").getPort();
                try (Socket first = open(port)) {
                    assertThat(get(first, "/x")).isEqualTo("a GET /x");

                    server.apply(version("3", List.of(tcp, Snapshots.httpListener("http", 0, routeAllTo("b"))),
                            clusters));

                    assertThat(server.listenerAddress("http").getPort()).isEqualTo(port);
                    try (Socket second = open(port)) {
                        assertThat(get(second, "/y")).isEqualTo("b GET /y");
                    }
                    // The open connection keeps the connection manager (and routes) it started with.
                    assertThat(get(first, "/z")).isEqualTo("a GET /z");
                }
                assertThat(server.stats().value("http.ingress.downstream_rq_2xx")).isEqualTo(3);
            }
        }
    }

    @Test
    void httpRoutesFollowClusterUpdatesEndpointsInPlaceReplacedAndNewClusters() throws Exception {
        try (HttpBackend a = HttpBackend.echo("a"); HttpBackend b = HttpBackend.echo("b");
             HttpBackend d = HttpBackend.echo("d")) {
            ListenerSpec toC = Snapshots.httpListener("http", 0, routeAllTo("c"));
            try (ProxyServer server = InProcessProxy.start(version("1", List.of(toC),
                    List.of(Snapshots.staticCluster("c", Duration.ofSeconds(1), a.port()))))) {
                int port = server.listenerAddress("http").getPort();
                try (Socket s = open(port)) {
                    assertThat(get(s, "/1")).isEqualTo("a GET /1");
                }

                // Only the endpoints change: the cluster is updated in place.
                server.apply(version("2", List.of(toC),
                        List.of(Snapshots.staticCluster("c", Duration.ofSeconds(1), b.port()))));
                try (Socket s = open(port)) {
                    assertThat(get(s, "/2")).isEqualTo("b GET /2");
                }

                // Another connect timeout: the cluster is replaced, and the routes use the new one.
                server.apply(version("3", List.of(toC),
                        List.of(Snapshots.staticCluster("c", Duration.ofSeconds(2), b.port()))));
                try (Socket s = open(port)) {
                    assertThat(get(s, "/3")).isEqualTo("b GET /3");
                }

                // A cluster that did not exist at startup, routed to by the same update.
                server.apply(version("4", List.of(Snapshots.httpListener("http", 0, routeAllTo("d"))),
                        List.of(Snapshots.staticCluster("c", Duration.ofSeconds(2), b.port()),
                                Snapshots.staticCluster("d", Duration.ofSeconds(1), d.port()))));
                try (Socket s = open(port)) {
                    assertThat(get(s, "/4")).isEqualTo("d GET /4");
                }
                assertThat(server.stats().value("cluster.c.upstream_rq_total")).isEqualTo(3);
                assertThat(server.stats().value("cluster.d.upstream_rq_total")).isEqualTo(1);
            }
        }
    }

    @Test
    void anEndpointOnlyUpdateKeepsTheClustersHttpConnectionPoolWhileAnyOtherClusterChangeGivesItANewOne() throws Exception {
        try (HttpBackend a = HttpBackend.echo("a"); HttpBackend failover = HttpBackend.echo("failover")) {
            ListenerSpec toC = Snapshots.httpListener("http", 0, routeAllTo("c"));
            List<io.outrigger.xds.snapshot.EndpointSpec> primary = List.of(Snapshots.endpoint("127.0.0.1", a.port()));
            try (ProxyServer server = InProcessProxy.start(version("1", List.of(toC),
                    List.of(Snapshots.staticCluster("c", Duration.ofSeconds(1), a.port()))));
                 // One downstream connection: one event loop, so one upstream pool per cluster version.
                 Socket s = open(server.listenerAddress("http").getPort())) {
                assertThat(get(s, "/1")).isEqualTo("a GET /1");
                assertThat(server.stats().value("cluster.c.upstream_cx_total")).isEqualTo(1);

                // EDS-style change: a priority-1 host is added (unused while priority 0 is healthy).
                // Envoy keeps the cluster's connection pools for the hosts that remain.
                server.apply(version("2", List.of(toC), List.of(Snapshots.cluster("c", ClusterSpec.DiscoveryType.STATIC,
                        Duration.ofSeconds(1), List.of(
                                new io.outrigger.xds.snapshot.LocalityEndpointsSpec(
                                        io.outrigger.xds.snapshot.LocalitySpec.EMPTY, 0, 0, primary),
                                new io.outrigger.xds.snapshot.LocalityEndpointsSpec(
                                        io.outrigger.xds.snapshot.LocalitySpec.EMPTY, 0, 1,
                                        List.of(Snapshots.endpoint("127.0.0.1", failover.port()))))))));
                assertThat(get(s, "/2")).isEqualTo("a GET /2");
                assertThat(server.stats().value("cluster.c.upstream_cx_total")).isEqualTo(1);

                // Another connect timeout: a changed cluster, whose requests go through new pools.
                server.apply(version("3", List.of(toC),
                        List.of(Snapshots.staticCluster("c", Duration.ofSeconds(2), a.port()))));
                assertThat(get(s, "/3")).isEqualTo("a GET /3");
                assertThat(server.stats().value("cluster.c.upstream_cx_total")).isEqualTo(2);
                assertThat(failover.requests()).isZero();
            }
        }
    }
}
