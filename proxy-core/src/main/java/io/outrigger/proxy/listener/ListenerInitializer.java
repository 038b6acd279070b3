package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs for every accepted connection of one listener: counts it, picks the filter chain and installs it,
 * or closes the connection when no chain matches ({@code no_filter_chain_match}, as Envoy does). Without a
 * tls_inspector the chain is chosen at once from the destination (the local address); with one, once the
 * first bytes tell TLS (with SNI and ALPN) from plaintext.
 *
 * <p>A chain that terminates TLS gets the SslHandler of its current context generation and a
 * {@link HandshakeGate}; its tcp_proxy starts after the handshake (and RBAC). A plaintext chain's tcp_proxy
 * starts at once.
 */
final class ListenerInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerInitializer.class);

    private final ListenerRuntime listener;
    private final TcpProxyInstaller installer;
    private final ChannelFutureListener onClose;
    private final boolean inspect;
    private final long inspectTimeoutNanos;
    private final TlsInspectorHandler.Dispatch dispatch;

    ListenerInitializer(ListenerRuntime listener, TcpProxyInstaller installer) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.installer = Objects.requireNonNull(installer, "installer");
        // One listener for all connections: closing a connection allocates nothing here.
        this.onClose = f -> {
            listener.stats().downstreamCxActive().decrement();
            listener.stats().downstreamCxDestroy().increment();
        };
        this.inspect = listener.tlsInspector();
        this.inspectTimeoutNanos = ListenerRuntime.LISTENER_FILTERS_TIMEOUT.toNanos();
        this.dispatch = this::afterInspection;
    }

    @Override
    protected void initChannel(Channel ch) {
        listener.stats().downstreamCxTotal().increment();
        listener.stats().downstreamCxActive().increment();
        ch.closeFuture().addListener(onClose);
        if (inspect) {
            ch.pipeline().addLast("tls_inspector", new TlsInspectorHandler(dispatch, inspectTimeoutNanos));
            return;
        }
        InetSocketAddress local = (InetSocketAddress) ch.localAddress();
        ChainRuntime chain = listener.chains().select(local.getAddress().getAddress(), local.getPort());
        if (chain == null) {
            noMatch(ch, local);
            return;
        }
        install(ch, chain, false);
    }

    private boolean afterInspection(ChannelHandlerContext ctx, String transport, String sni, List<String> alpn) {
        Channel ch = ctx.channel();
        InetSocketAddress local = (InetSocketAddress) ch.localAddress();
        ChainRuntime chain = listener.chains().select(local.getAddress().getAddress(), local.getPort(), sni, transport, alpn);
        if (chain == null) {
            noMatch(ch, local);
            return false;
        }
        install(ch, chain, true);
        return true;
    }

    private void noMatch(Channel ch, InetSocketAddress local) {
        listener.stats().noFilterChainMatch().increment();
        LOG.debug("listener {}: no filter chain matches {}, closing", listener.name(), local);
        ch.close();
    }

    /** @param active whether the channel is already active (bytes were read by the inspector) */
    private void install(Channel ch, ChainRuntime chain, boolean active) {
        if (chain.tls() != null) {
            chain.tls().newHandlers(ch.alloc()).addLast(ch.pipeline());
            ch.pipeline().addLast("handshake_gate", new HandshakeGate(chain, installer));
            return;
        }
        if (chain.rbac() != null && !chain.rbac().allows(null)) {
            // A plaintext connection has no authenticated principal: only "any" policies can match it.
            ch.close();
            return;
        }
        if (active) {
            installer.installAndStart(ch, chain.route());
        } else {
            installer.install(ch, chain.route());
        }
    }
}
