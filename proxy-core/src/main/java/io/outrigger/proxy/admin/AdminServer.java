package io.outrigger.proxy.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.outrigger.proxy.listener.ListenerBindException;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Envoy's admin interface over HTTP/1.1 on its own single-thread event loop, so that a busy data
 * path never delays {@code /ready} and the admin never runs on a worker.
 */
public final class AdminServer implements AutoCloseable {
    private final Channel channel;

    private AdminServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds the admin listener.
     *
     * @param group a group of one event loop dedicated to admin
     * @throws ListenerBindException naming "admin" and the address when the bind fails
     */
    public static AdminServer bind(SocketAddressSpec address, EventLoopGroup group,
                                   Class<? extends ServerChannel> serverChannelClass, AdminView view)
            throws ListenerBindException {
        Objects.requireNonNull(view, "view");
        var future = new ServerBootstrap()
                .group(group)
                .channel(serverChannelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new AdminHandler(view));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.ofLiteral(address.address()), address.port()))
                .awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new ListenerBindException("admin", address.toString(), future.cause());
        }
        return new AdminServer(future.channel());
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }
}
