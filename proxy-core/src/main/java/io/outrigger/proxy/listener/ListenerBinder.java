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

    public ListenerBinder(EventLoopGroup workers, Class<? extends ServerChannel> serverChannelClass,
                          ByteBufAllocator allocator) {
        this.workers = Objects.requireNonNull(workers, "workers");
        this.serverChannelClass = Objects.requireNonNull(serverChannelClass, "serverChannelClass");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /**
     * Binds {@code listener} and waits for the result.
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
                .childHandler(new ListenerInitializer(listener));
        var future = b.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new ListenerBindException(listener.name(), listener.spec().address().toString(), future.cause());
        }
        return future.channel();
    }
}
