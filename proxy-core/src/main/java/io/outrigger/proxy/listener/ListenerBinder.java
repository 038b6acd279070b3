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

    public ListenerBinder(EventLoopGroup workers, Class<? extends ServerChannel> serverChannelClass,
                          ByteBufAllocator allocator, TcpProxyInstaller installer) {
        this.workers = Objects.requireNonNull(workers, "workers");
        this.serverChannelClass = Objects.requireNonNull(serverChannelClass, "serverChannelClass");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.installer = Objects.requireNonNull(installer, "installer");
    }

    /**
     * Binds {@code listener} and waits for the result.
     *
     * @param table every listener of the configuration, for {@code use_original_dst} hand-off
     *
     * @return the bound server channel
     * @throws ListenerBindException naming the listener and address when the bind fails
     */
    public Channel bind(ListenerRuntime listener, ListenerTable table) throws ListenerBindException {
        return bind(listener, new ListenerInitializer(table, listener, installer));
    }

    /**
     * Binds {@code listener} so that every accepted connection reads the listener (filter chains,
     * stats) from the table {@code live} holds at that moment: an update that keeps the listener's
     * address swaps its chains without closing the socket.
     *
     * @param atBind a table holding {@code listener}, used while {@code live}'s table does not
     */
    public Channel bind(ListenerRuntime listener, LiveListeners live, ListenerTable atBind)
            throws ListenerBindException {
        return bind(listener, new ListenerInitializer(live::table, atBind, listener, installer));
    }

    private Channel bind(ListenerRuntime listener, ListenerInitializer initializer) throws ListenerBindException {
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
                .childHandler(initializer);
        var future = b.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new ListenerBindException(listener.name(), listener.spec().address().toString(), future.cause());
        }
        return future.channel();
    }
}
