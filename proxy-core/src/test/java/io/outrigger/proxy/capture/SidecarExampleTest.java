package io.outrigger.proxy.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.xds.config.BootstrapLoader;
import io.outrigger.xds.config.LoadedBootstrap;
import io.outrigger.xds.snapshot.AdminSpec;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code examples/sidecar.yaml} without root: it decodes to Istio's virtual listeners and
 * clusters, and the data path serves it (on ephemeral ports here; the pod test runs it as is).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SidecarExampleTest {
    private static LoadedBootstrap example() throws Exception {
        return BootstrapLoader.load(Path.of(System.getProperty("user.dir")).resolve("../examples/sidecar.yaml").normalize());
    }

    @Test
    void exampleDecodesToIstioVirtualListenersAndClustersWithoutWarnings() throws Exception {
        LoadedBootstrap loaded = example();
        ConfigSnapshot s = loaded.snapshot();
        assertThat(loaded.warnings()).isEmpty();
        assertThat(s.admin().address()).isEqualTo(new SocketAddressSpec("127.0.0.1", 15000));
        assertThat(s.listeners()).extracting(ListenerSpec::name, l -> l.address().port(), ListenerSpec::useOriginalDst,
                        ListenerSpec::restoresOriginalDst)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("virtualOutbound", 15001, true, true),
                        org.assertj.core.groups.Tuple.tuple("virtualInbound", 15006, false, true));
        assertThat(s.cluster("PassthroughCluster").type()).isEqualTo(ClusterSpec.DiscoveryType.ORIGINAL_DST);
        assertThat(s.cluster("InboundPassthroughCluster").upstreamBind().sourceAddress().address()).isEqualTo("127.0.0.6");
        assertThat(s.cluster("InboundPassthroughCluster").upstreamBind().extraSourceAddresses())
                .extracting(SocketAddressSpec::address).containsExactly("::6");
        assertThat(s.cluster("BlackHoleCluster").loadAssignment().localities()).isEmpty();
    }

    @Test
    void exampleRunsAndRefusesAConnectionMadeToItsOutboundListenerDirectly() throws Exception {
        ConfigSnapshot s = example().snapshot();
        List<ListenerSpec> ephemeral = new ArrayList<>();
        for (ListenerSpec l : s.listeners()) {
            ephemeral.add(new ListenerSpec(l.name(), new SocketAddressSpec("127.0.0.1", 0), l.bindToPort(),
                    l.useOriginalDst(), l.listenerFilters(), l.filterChains(), l.defaultFilterChain(), l.transparent()));
        }
        ConfigSnapshot local = new ConfigSnapshot(s.node(), new AdminSpec(new SocketAddressSpec("127.0.0.1", 0)),
                ephemeral, s.clusters(), s.versionInfo(), s.source());
        try (ProxyServer server = InProcessProxy.start(local);
             Socket c = new Socket(InetAddress.getLoopbackAddress(), server.listenerAddress("virtualOutbound").getPort())) {
            c.setSoTimeout(30_000);
            // Not redirected: no original destination, so the passthrough refuses rather than loop.
            assertThat(c.getInputStream().read()).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(server.stats().value("cluster.PassthroughCluster.upstream_cx_none_healthy")).isEqualTo(1);
                assertThat(server.stats().value("cluster.PassthroughCluster.upstream_cx_total")).isZero();
            });
        }
    }
}
