package io.outrigger.proxy.listener;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Binds listeners on the worker event loops. Accepted connections start with reads off: the
 * tcp_proxy turns them on once the upstream is connected, so nothing is buffered meanwhile.
 */
public final class ListenerBinder {
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannelClass;
    private final ByteBufAllocator allocator;
    private final TcpProxyInstaller installer;
    private volatile ListenerTable table = new ListenerTable(java.util.List.of());

    public ListenerBinder(EventLoopGroup workers, Class<? extends ServerChannel> serverChannelClass,
                          ByteBufAllocator allocator, TcpProxyInstaller installer) {
        this.workers = Objects.requireNonNull(workers, "workers");
        this.serverChannelClass = Objects.requireNonNull(serverChannelClass, "serverChannelClass");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.installer = Objects.requireNonNull(installer, "installer");
    }

    /**
     * Publishes the listeners of a new configuration: connections accepted from now on use them
     * (their filter chains, clusters and hand-off targets); open connections keep what they have.
     * Publish before binding a listener that is new in it.
     */
    public void publish(ListenerTable next) {
        table = java.util.Objects.requireNonNull(next, "next");
    }

    ListenerTable table() {
        return table;
    }

    /**
     * Binds {@code listener} (of the published table) and waits for the result.
     *
     *
     * @return the bound server channel
     * @throws ListenerBindException naming the listener and address when the bind fails
     */
    public Channel bind(ListenerRuntime listener) throws ListenerBindException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.ofLiteral(listener.spec().address().address()),
                listener.spec().address().port());
        ServerBootstrap b = new ServerBootstrap()
                .group(workers)
                .channel(serverChannelClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TcpProxyInstaller.WATER_MARK)
                .childHandler(new ListenerInitializer(this, listener.name(), installer));
        var future = b.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new ListenerBindException(listener.name(), listener.spec().address().toString(), future.cause());
        }
        return future.channel();
    }
}
