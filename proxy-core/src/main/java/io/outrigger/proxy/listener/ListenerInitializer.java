package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import io.outrigger.proxy.transport.OriginalDestination;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs for every accepted connection of one listener: finds the connection's destination (its
 * local address, or with original_dst the address before redirection), hands it to the listener
 * of that destination when {@code use_original_dst} is set, counts it on the listener that owns
 * it, picks that listener's filter chain and installs it, or closes the connection when no chain
 * matches ({@code no_filter_chain_match}, as Envoy does). Without a tls_inspector the chain is
 * chosen at once; with one, once the first bytes tell TLS (with SNI and ALPN) from plaintext.
 *
 * <p>A chain that terminates TLS gets the SslHandler of its current context generation and a
 * {@link HandshakeGate}; its tcp_proxy starts after the handshake (and RBAC). A plaintext chain's
 * tcp_proxy starts at once.
 */
final class ListenerInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerInitializer.class);
    private static final long INSPECT_TIMEOUT_NANOS = ListenerRuntime.LISTENER_FILTERS_TIMEOUT.toNanos();

    private final ListenerBinder binder;
    private final String name;
    private final TcpProxyInstaller installer;

    ListenerInitializer(ListenerBinder binder, String name, TcpProxyInstaller installer) {
        this.binder = Objects.requireNonNull(binder, "binder");
        this.name = Objects.requireNonNull(name, "name");
        this.installer = Objects.requireNonNull(installer, "installer");
    }

    @Override
    protected void initChannel(Channel ch) {
        // One read of the published table per connection: the connection sees one configuration.
        ListenerTable table = binder.table();
        ListenerTable.Entry accepting = table.named(name);
        if (accepting == null) {
            ch.close(); // removed by an update while this socket was being closed
            return;
        }
        ListenerRuntime listener = accepting.runtime();
        ListenerTable.Entry owner = accepting;
        InetSocketAddress destination = (InetSocketAddress) ch.localAddress();
        if (listener.originalDst()) {
            InetSocketAddress original = OriginalDestination.read(ch);
            if (original != null) {
                destination = original;
            }
            ch.attr(OriginalDestination.KEY).set(destination);
            if (listener.spec().useOriginalDst()) {
                ListenerTable.Entry target = table.owner(destination);
                if (target != null) {
                    owner = target;
                }
            }
        }
        ListenerRuntime l = owner.runtime();
        l.stats().downstreamCxTotal().increment();
        l.stats().downstreamCxActive().increment();
        ch.closeFuture().addListener(owner.onClose());
        InetSocketAddress dst = destination;
        // The listener that owns the connection decides whether its first bytes are inspected (Envoy runs
        // the listener filters of the listener a connection is handed to).
        if (l.tlsInspector()) {
            ch.pipeline().addLast("tls_inspector", new TlsInspectorHandler(
                    (ctx, transport, sni, alpn) -> afterInspection(ctx, l, dst, transport, sni, alpn),
                    INSPECT_TIMEOUT_NANOS));
            return;
        }
        ChainRuntime chain = l.chains().select(dst.getAddress().getAddress(), dst.getPort());
        if (chain == null) {
            noMatch(ch, l, dst);
            return;
        }
        install(ch, chain, false);
    }

    private boolean afterInspection(ChannelHandlerContext ctx, ListenerRuntime l, InetSocketAddress dst,
                                    String transport, String sni, List<String> alpn) {
        ChainRuntime chain = l.chains().select(dst.getAddress().getAddress(), dst.getPort(), sni, transport, alpn);
        if (chain == null) {
            noMatch(ctx.channel(), l, dst);
            return false;
        }
        install(ctx.channel(), chain, true);
        return true;
    }

    private static void noMatch(Channel ch, ListenerRuntime l, InetSocketAddress destination) {
        l.stats().noFilterChainMatch().increment();
        LOG.debug("listener {}: no filter chain matches {}, closing", l.name(), destination);
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
