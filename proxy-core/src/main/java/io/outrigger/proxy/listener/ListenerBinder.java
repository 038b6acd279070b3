package io.outrigger.proxy.listener;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.UnixChannel;
import io.outrigger.proxy.tcp.TcpProxyInstaller;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Binds listeners on the worker event loops. Accepted connections start with reads off: the
 * filter chain's terminal filter turns them on (tcp_proxy once the upstream is connected, so
 * nothing is buffered meanwhile; http_connection_manager at once).
 *
 * <p>A {@code transparent} listener is {@code IP_TRANSPARENT}/{@code IPV6_TRANSPARENT} (needs
 * CAP_NET_ADMIN), which TPROXY needs to deliver connections for any destination to it. Netty's
 * native transports open IPv6 sockets where the kernel has IPv6 and bind {@code 0.0.0.0} as
 * {@code [::]}: a wildcard listener accepts both families (unlike Envoy, whose {@code 0.0.0.0}
 * listener is IPv4 only), so one virtual listener captures IPv4 and IPv6 alike.
 */
public final class ListenerBinder {
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannelClass;
    private final ByteBufAllocator allocator;
    private volatile ListenerHandoff published = ListenerHandoff.NONE;

    /** SOL_IP (0), IP_TRANSPARENT (19). */
    static final IntegerUnixChannelOption IP_TRANSPARENT = new IntegerUnixChannelOption("IP_TRANSPARENT", 0, 19);
    /** SOL_IPV6 (41), IPV6_TRANSPARENT (75). */
    static final IntegerUnixChannelOption IPV6_TRANSPARENT = new IntegerUnixChannelOption("IPV6_TRANSPARENT", 41, 75);

    public ListenerBinder(EventLoopGroup workers, Class<? extends ServerChannel> serverChannelClass,
                          ByteBufAllocator allocator) {
        this.workers = Objects.requireNonNull(workers, "workers");
        this.serverChannelClass = Objects.requireNonNull(serverChannelClass, "serverChannelClass");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /**
     * Publishes the listeners of a new configuration: connections accepted from now on use them
     * (their filter chains, clusters and hand-off targets); open connections keep what they have.
     * Publish before binding a listener that is new in it.
     */
    public void publish(ListenerHandoff next) {
        published = Objects.requireNonNull(next, "next");
    }

    ListenerHandoff published() {
        return published;
    }

    /** {@code listener} as {@code listeners} holds it, or on its own when they hold none. */
    private static ServingListener atBind(ListenerRuntime listener, ListenerHandoff listeners) {
        ServingListener s = listeners.named(listener.name());
        return s != null && s.runtime() == listener ? s : new ServingListener(listener, null);
    }

    /**
     * Binds {@code listener} (of the published configuration) and waits for the result. Accepted
     * connections read the listener by name from the configuration published at that moment, so
     * an update that keeps the listener's socket swaps its filter chains without rebinding.
     *
     * @return the bound server channel
     * @throws ListenerBindException naming the listener and address when the bind fails
     */
    public Channel bind(ListenerRuntime listener) throws ListenerBindException {
        return bind(listener, published);
    }

    /**
     * Like {@link #bind(ListenerRuntime)}, for a listener of a configuration about to be published
     * (an update binds its new sockets first): until then, connections accepted on the new socket
     * are served by {@code listener} as {@code atBind} holds it.
     */
    public Channel bind(ListenerRuntime listener, ListenerHandoff atBind) throws ListenerBindException {
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
                .childHandler(new ListenerInitializer(this, atBind(listener, atBind)));
        boolean unix = UnixChannel.class.isAssignableFrom(serverChannelClass);
        boolean v6 = address.getAddress() instanceof Inet6Address;
        if (listener.spec().transparent()) {
            if (!unix) {
                throw new ListenerBindException(listener.name(), listener.spec().address().toString(),
                        new IllegalStateException("transparent: true needs the epoll or io_uring transport (this is "
                                + serverChannelClass.getSimpleName() + ")"));
            }
            b.option(v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, 1);
        }
        var future = b.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            if (listener.spec().transparent() && cause != null && cause.getMessage() != null
                    && cause.getMessage().contains("not permitted")) {
                cause = notTransparent(v6, cause);
            }
            throw new ListenerBindException(listener.name(), listener.spec().address().toString(), cause);
        }
        Channel ch = future.channel();
        if (listener.spec().transparent() && !isSet(ch, v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT)) {
            // Netty only logs a failed option; a transparent listener without it would never see TPROXY traffic.
            ch.close().awaitUninterruptibly();
            throw new ListenerBindException(listener.name(), listener.spec().address().toString(),
                    notTransparent(v6, null));
        }
        return ch;
    }

    private static IllegalStateException notTransparent(boolean v6, Throwable cause) {
        return new IllegalStateException("transparent: true, but the socket could not be made "
                + (v6 ? "IPV6_TRANSPARENT" : "IP_TRANSPARENT")
                + " (needs CAP_NET_ADMIN: run the proxy with that capability in TPROXY mode)"
                + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }

    private static boolean isSet(Channel ch, IntegerUnixChannelOption option) {
        try {
            Integer v = ch.config().getOption(option);
            return v != null && v != 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
