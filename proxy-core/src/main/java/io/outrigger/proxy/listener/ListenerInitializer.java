package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs for every accepted connection of one listener: counts it, picks the filter chain from the
 * connection's destination (its local address) and installs the chain's terminal filter, or closes the
 * connection when no chain matches ({@code no_filter_chain_match}, as Envoy does).
 */
final class ListenerInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerInitializer.class);

    private final ListenerRuntime listener;
    private final ChannelFutureListener onClose;

    ListenerInitializer(ListenerRuntime listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
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
        InetSocketAddress local = (InetSocketAddress) ch.localAddress();
        NetworkChain chain = listener.chains().select(local.getAddress().getAddress(), local.getPort());
        if (chain == null) {
            listener.stats().noFilterChainMatch().increment();
            LOG.debug("listener {}: no filter chain matches {}, closing", listener.name(), local);
            ch.close();
            return;
        }
        chain.install(ch);
    }
}
