package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs for every accepted connection of one listener, as the last published configuration has it
 * (open connections keep the one they started with): restores the original destination when the
 * listener asks for it ({@code original_dst} listener filter, {@code use_original_dst}), hands the
 * connection over to the listener that owns that destination when {@code use_original_dst} is
 * set, counts it on the listener that serves it, picks that listener's filter chain and installs
 * it, or closes the connection when no chain matches ({@code no_filter_chain_match}, as Envoy
 * does). Without a tls_inspector the chain is chosen at once from the destination; with one (on
 * the listener that serves the connection, as Envoy runs the listener filters of the listener a
 * connection is handed to), once the first bytes tell TLS (with SNI and ALPN) from plaintext.
 *
 * <p>A chain that terminates TLS gets the SslHandler of its current context generation and a
 * {@link HandshakeGate}; its terminal filter (tcp_proxy or http_connection_manager) starts after the
 * handshake (and RBAC). A plaintext chain's starts at once.
 */
final class ListenerInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerInitializer.class);
    private static final long INSPECT_TIMEOUT_NANOS = ListenerRuntime.LISTENER_FILTERS_TIMEOUT.toNanos();

    private final ListenerBinder binder;
    private final String name;
    private final ServingListener atBind;

    /**
     * @param atBind the listener as bound; it serves while the published configuration no longer
     *               holds it (removed by an update, its socket closing)
     */
    ListenerInitializer(ListenerBinder binder, ServingListener atBind) {
        this.binder = Objects.requireNonNull(binder, "binder");
        this.atBind = Objects.requireNonNull(atBind, "atBind");
        this.name = atBind.runtime().name();
    }

    @Override
    protected void initChannel(Channel ch) {
        // One read of the published listeners per connection: the connection sees one configuration.
        ListenerHandoff listeners = binder.published();
        ServingListener accepting = listeners.named(name);
        if (accepting == null) {
            // Removed by an update while this socket was being closed: accepted before the close, so
            // served as the listener was (its connections drain like the others).
            accepting = atBind;
        }
        InetSocketAddress destination = (InetSocketAddress) ch.localAddress();
        InetSocketAddress original = null;
        ServingListener serving = accepting;
        if (accepting.restoresOriginalDst()) {
            original = OriginalDestination.restore(ch, accepting.transparent());
            if (original != null) {
                destination = original;
                if (accepting.handsOff()) {
                    ServingListener owner = listeners.target(original);
                    if (owner != null) {
                        serving = owner;
                    }
                }
            }
        }
        ListenerRuntime listener = serving.runtime();
        listener.stats().downstreamCxTotal().increment();
        listener.stats().downstreamCxActive().increment();
        ch.closeFuture().addListener(serving.onClose());
        if (serving.connections() != null) {
            serving.connections().add(ch);
        }
        InetSocketAddress dst = destination;
        InetSocketAddress restored = original;
        if (serving.inspectsTls()) {
            ch.pipeline().addLast("tls_inspector", new TlsInspectorHandler(
                    (ctx, transport, sni, alpn) -> afterInspection(ctx, listener, dst, restored, transport, sni, alpn),
                    INSPECT_TIMEOUT_NANOS));
            return;
        }
        ChainRuntime chain = listener.chains().select(dst.getAddress().getAddress(), dst.getPort());
        if (chain == null) {
            noMatch(ch, listener, dst);
            return;
        }
        install(ch, chain, restored, false);
    }

    private boolean afterInspection(ChannelHandlerContext ctx, ListenerRuntime l, InetSocketAddress dst,
                                    InetSocketAddress original, String transport, String sni, List<String> alpn) {
        ChainRuntime chain = l.chains().select(dst.getAddress().getAddress(), dst.getPort(), sni, transport, alpn);
        if (chain == null) {
            noMatch(ctx.channel(), l, dst);
            return false;
        }
        install(ctx.channel(), chain, original, true);
        return true;
    }

    private static void noMatch(Channel ch, ListenerRuntime l, InetSocketAddress destination) {
        l.stats().noFilterChainMatch().increment();
        LOG.debug("listener {}: no filter chain matches {}, closing", l.name(), destination);
        ch.close();
    }

    /**
     * @param original the restored original destination (what an ORIGINAL_DST cluster connects to), or {@code null}
     * @param active   whether the channel is already active (bytes were read by the inspector)
     */
    private void install(Channel ch, ChainRuntime chain, InetSocketAddress original, boolean active) {
        if (chain.tls() != null) {
            chain.tls().newHandlers(ch.alloc()).addLast(ch.pipeline());
            ch.pipeline().addLast("handshake_gate", new HandshakeGate(chain, original));
            return;
        }
        if (chain.rbac() != null && !chain.rbac().allows(null)) {
            // A plaintext connection has no authenticated principal: only "any" policies can match it.
            ch.close();
            return;
        }
        if (active) {
            chain.terminal().installAndStart(ch, original);
        } else {
            chain.terminal().install(ch, original);
        }
    }
}
