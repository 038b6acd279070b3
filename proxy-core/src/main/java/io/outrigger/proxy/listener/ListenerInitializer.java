package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import io.outrigger.proxy.tcp.TcpProxyRoute;
import io.outrigger.proxy.transport.OriginalDestination;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
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

    private final Supplier<ListenerTable> tables;
    private final String name;
    private final ListenerTable.Entry atBind;
    private final TcpProxyInstaller installer;

    ListenerInitializer(ListenerTable table, ListenerRuntime listener, TcpProxyInstaller installer) {
        this(() -> table, table, listener, installer);
    }

    /**
     * @param tables the table in force, read once per connection: a configuration update that keeps
     *               this listener's address swaps its filter chains without rebinding
     * @param atBind the table this listener was bound with; its entry serves while the listener is
     *               absent from the table in force (removed, its socket closing)
     */
    ListenerInitializer(Supplier<ListenerTable> tables, ListenerTable atBind, ListenerRuntime listener,
                        TcpProxyInstaller installer) {
        this.tables = Objects.requireNonNull(tables, "tables");
        this.name = listener.name();
        this.atBind = atBind.entry(listener);
        this.installer = Objects.requireNonNull(installer, "installer");
    }

    @Override
    protected void initChannel(Channel ch) {
        ListenerTable table = tables.get();
        ListenerTable.Entry accepting = table.entry(name);
        if (accepting == null) {
            accepting = atBind;
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
        if (owner.connections() != null) {
            owner.connections().add(ch);
        }
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
