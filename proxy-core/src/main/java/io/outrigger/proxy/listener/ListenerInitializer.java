package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs for every accepted connection of one listener, as the last published configuration has it
 * (open connections keep the one they started with): restores the original destination when the
 * listener asks for it ({@code original_dst} listener filter, {@code use_original_dst}), hands the
 * connection over to the listener that owns that destination when {@code use_original_dst} is
 * set, counts it on the listener that serves it, picks that listener's filter chain from the
 * destination and installs the chain's terminal filter (tcp_proxy or http_connection_manager), or
 * closes the connection when no chain matches ({@code no_filter_chain_match}, as Envoy does).
 */
final class ListenerInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerInitializer.class);

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
        NetworkChain chain = listener.chains().select(destination.getAddress().getAddress(), destination.getPort());
        if (chain == null) {
            listener.stats().noFilterChainMatch().increment();
            LOG.debug("listener {}: no filter chain matches {}, closing", listener.name(), destination);
            ch.close();
            return;
        }
        chain.install(ch, original);
    }
}
