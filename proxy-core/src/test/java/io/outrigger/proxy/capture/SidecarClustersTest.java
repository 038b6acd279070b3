package io.outrigger.proxy.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import io.outrigger.xds.snapshot.UpstreamBindSpec;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sidecar's special clusters on loopback, without capture rules: Istio's BlackHoleCluster (a
 * STATIC cluster without endpoints), an ORIGINAL_DST cluster reached without a redirect (it must
 * refuse instead of connecting back to the proxy), and {@code upstream_bind_config}'s source
 * address as the upstream sees it. Redirected traffic is covered by the pod tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SidecarClustersTest {

    private static ClusterSpec originalDst(String name) {
        return new ClusterSpec(name, ClusterSpec.DiscoveryType.ORIGINAL_DST, Duration.ofSeconds(2),
                ClusterSpec.LbPolicyName.CLUSTER_PROVIDED, LoadAssignmentSpec.empty(name));
    }

    /** Reads until the proxy closes the connection; -1 means closed without a byte. */
    private static int readUntilClosed(int port) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            return s.getInputStream().read();
        }
    }

    @Test
    void blackHoleClusterClosesTheConnectionAndCountsNoneHealthyAsEnvoyDoes() throws Exception {
        ClusterSpec blackHole = new ClusterSpec("BlackHoleCluster", ClusterSpec.DiscoveryType.STATIC,
                Duration.ofSeconds(10), ClusterSpec.LbPolicyName.ROUND_ROBIN, LoadAssignmentSpec.empty("BlackHoleCluster"));
        try (ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0,
                List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("BlackHoleCluster", "BlackHoleCluster"))),
                List.of(blackHole)))) {
            assertThat(readUntilClosed(server.listenerAddress("l").getPort())).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(server.stats().value("cluster.BlackHoleCluster.upstream_cx_none_healthy")).isEqualTo(1);
                assertThat(server.stats().value("cluster.BlackHoleCluster.upstream_cx_total")).isZero();
                assertThat(server.stats().value("tcp.BlackHoleCluster.downstream_cx_total")).isEqualTo(1);
            });
            assertThat(server.stats().scrape())
                    .contains("envoy_cluster_upstream_cx_none_healthy{envoy_cluster_name=\"BlackHoleCluster\"} 1");
        }
    }

    @Test
    void originalDstClusterRefusesAConnectionThatWasNotRedirectedInsteadOfLoopingBackToItself() throws Exception {
        ListenerSpec virtualOutbound = new ListenerSpec("virtualOutbound", new SocketAddressSpec("127.0.0.1", 0), true,
                true, List.of(), List.of(new FilterChainSpec("", FilterChainMatchSpec.ANY,
                List.of(Snapshots.tcpProxy("PassthroughCluster", "PassthroughCluster")))), null);
        try (ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0, List.of(virtualOutbound),
                List.of(originalDst("PassthroughCluster"))))) {
            int port = server.listenerAddress("virtualOutbound").getPort();
            assertThat(readUntilClosed(port)).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(server.stats().value("cluster.PassthroughCluster.upstream_cx_none_healthy")).isEqualTo(1);
                assertThat(server.stats().value("cluster.PassthroughCluster.upstream_cx_total")).isZero();
                // One connection only: the proxy did not connect to its own listener.
                assertThat(server.stats().value("listener.127.0.0.1_0.downstream_cx_total")).isEqualTo(1);
                assertThat(server.stats().value("listener.127.0.0.1_0.downstream_cx_active")).isZero();
            });
        }
    }

    @Test
    void upstreamBindConfigSourceAddressIsWhatTheUpstreamSeesAsThePeer() throws Exception {
        CompletableFuture<InetSocketAddress> peer = new CompletableFuture<>();
        try (Backend app = Backend.start(s -> {
            peer.complete((InetSocketAddress) s.getRemoteSocketAddress());
            s.getOutputStream().write('k');
        })) {
            ClusterSpec plain = Snapshots.staticCluster("inbound", Duration.ofSeconds(2), app.port());
            ClusterSpec bound = new ClusterSpec(plain.name(), plain.type(), plain.connectTimeout(), plain.lbPolicy(),
                    plain.loadAssignment(), new UpstreamBindSpec(new SocketAddressSpec("127.0.0.6", 0),
                    List.of(new SocketAddressSpec("::6", 0))));
            try (ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0,
                    List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("inbound", "inbound"))), List.of(bound)));
                 Socket s = new Socket(InetAddress.getLoopbackAddress(), server.listenerAddress("l").getPort())) {
                s.setSoTimeout(30_000);
                InputStream in = s.getInputStream();
                assertThat(in.read()).isEqualTo('k');
                // IPv4 upstream: the IPv4 source of the two, as Istio's 127.0.0.6 / ::6 pair intends.
                assertThat(peer.get(30, TimeUnit.SECONDS).getAddress()).isEqualTo(InetAddress.ofLiteral("127.0.0.6"));
            }
        }
    }
}
