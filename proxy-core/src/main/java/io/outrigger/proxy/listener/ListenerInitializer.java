package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import io.outrigger.proxy.tcp.TcpProxyRoute;
import io.outrigger.proxy.transport.OriginalDestination;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs for every accepted connection of one listener: finds the connection's destination (its
 * local address, or with original_dst the address before redirection), hands it to the listener
 * of that destination when {@code use_original_dst} is set, counts it on the listener that owns
 * it, picks that listener's filter chain and installs the chain's tcp_proxy, or closes the
 * connection when no chain matches ({@code no_filter_chain_match}, as Envoy does).
 */
final class ListenerInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerInitializer.class);

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
        TcpProxyRoute route = l.chains().select(destination.getAddress().getAddress(), destination.getPort());
        if (route == null) {
            l.stats().noFilterChainMatch().increment();
            LOG.debug("listener {}: no filter chain matches {}, closing", l.name(), destination);
            ch.close();
            return;
        }
        installer.install(ch, route);
    }
}
