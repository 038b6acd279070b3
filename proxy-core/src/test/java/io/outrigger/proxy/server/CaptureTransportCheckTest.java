package io.outrigger.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.proxy.transport.Transport;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.ListenerFilterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Capture needs raw socket options (SO_ORIGINAL_DST, IP_TRANSPARENT), which only the native
 * transports have: on NIO, {@code outrigger validate} and a run reject a capture listener naming
 * the field, instead of starting a proxy whose passthrough refuses every connection.
 */
class CaptureTransportCheckTest {
    private static final Transport NIO = new Transport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class,
            NioSocketChannel.class, "forced by the test");

    /** Istio's three ways of asking for the original destination, one listener each. */
    private static ConfigSnapshot captureListeners() {
        List<FilterChainSpec> passthrough = List.of(new FilterChainSpec("", FilterChainMatchSpec.ANY,
                List.of(Snapshots.tcpProxy("passthrough", "PassthroughCluster"))));
        ListenerSpec outbound = new ListenerSpec("virtualOutbound", new SocketAddressSpec("127.0.0.1", 0), true, true,
                List.of(), passthrough, null);
        ListenerSpec filter = new ListenerSpec("withFilter", new SocketAddressSpec("127.0.0.1", 0), true, false,
                List.of(new ListenerFilterSpec("envoy.filters.listener.original_dst", ListenerFilterSpec.Kind.ORIGINAL_DST)),
                passthrough, null);
        ListenerSpec tproxy = new ListenerSpec("virtualInbound", new SocketAddressSpec("127.0.0.1", 0), true, false,
                List.of(), passthrough, null, true);
        ClusterSpec originalDst = new ClusterSpec("PassthroughCluster", ClusterSpec.DiscoveryType.ORIGINAL_DST,
                Duration.ofSeconds(1), ClusterSpec.LbPolicyName.CLUSTER_PROVIDED, LoadAssignmentSpec.empty("PassthroughCluster"));
        return Snapshots.snapshot(0, List.of(outbound, filter, tproxy), List.of(originalDst));
    }

    @Test
    void captureListenersOnNioAreRejectedNamingListenerAndField() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ProxyServer.check(captureListeners(), InProcessProxy.options(1), NIO));

        assertThat(e.problems()).extracting(ConfigProblem::resourceName, ConfigProblem::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple("virtualOutbound", "static_resources.listeners[0].use_original_dst"),
                org.assertj.core.groups.Tuple.tuple("withFilter", "static_resources.listeners[1].listener_filters[0]"),
                org.assertj.core.groups.Tuple.tuple("virtualInbound", "static_resources.listeners[2].transparent"));
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.message()).contains("epoll or io_uring"));
    }

    @Test
    void captureListenersOnANativeTransportPassTheCheck() {
        Assumptions.assumeTrue(Epoll.isAvailable() || IoUring.isAvailable(), "skipped: needs epoll or io_uring");
        assertThatCode(() -> ProxyServer.check(captureListeners(), InProcessProxy.options(1), Transport.detect()))
                .doesNotThrowAnyException();
    }
}
