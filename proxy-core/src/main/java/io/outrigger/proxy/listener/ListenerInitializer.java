package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import io.outrigger.proxy.tcp.TcpProxyRoute;
import io.outrigger.proxy.transport.OriginalDestination;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs for every accepted connection of one listener: counts it, picks the filter chain from the
 * connection's destination (its local address, or with original_dst the address before
 * redirection) and installs the chain's tcp_proxy, or closes the
 * connection when no chain matches ({@code no_filter_chain_match}, as Envoy does).
 */
final class ListenerInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerInitializer.class);

    private final ListenerRuntime listener;
    private final TcpProxyInstaller installer;
    private final ChannelFutureListener onClose;

    ListenerInitializer(ListenerRuntime listener, TcpProxyInstaller installer) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.installer = Objects.requireNonNull(installer, "installer");
        // One listener for all connections: closing a connection allocates nothing here.
        this.onClose = f -> {
            listener.stats().downstreamCxActive().decrement();
            listener.stats().downstreamCxDestroy().increment();
        };
    }

    @Override
    protected void initChannel(Channel ch) {
        listener.stats().downstreamCxTotal().increment();
        listener.stats().downstreamCxActive().increment();
        ch.closeFuture().addListener(onClose);
        InetSocketAddress destination = (InetSocketAddress) ch.localAddress();
        if (listener.originalDst()) {
            InetSocketAddress original = OriginalDestination.read(ch);
            if (original != null) {
                destination = original;
            }
            ch.attr(OriginalDestination.KEY).set(destination);
        }
        TcpProxyRoute route = listener.chains().select(destination.getAddress().getAddress(), destination.getPort());
        if (route == null) {
            listener.stats().noFilterChainMatch().increment();
            LOG.debug("listener {}: no filter chain matches {}, closing", listener.name(), destination);
            ch.close();
            return;
        }
        installer.install(ch, route);
    }
}
