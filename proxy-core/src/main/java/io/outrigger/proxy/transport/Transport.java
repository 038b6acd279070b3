package io.outrigger.proxy.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty transport the data path runs on: io_uring when the kernel offers it, else epoll, NIO
 * only as a last resort. The choice is made once per process and logged, because a proxy that
 * silently falls back to NIO is a performance bug nobody notices.
 *
 * @param name "io_uring", "epoll" or "nio" (as shown in {@code /server_info})
 */
public record Transport(String name, Supplier<IoHandlerFactory> ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannelClass,
                        Class<? extends SocketChannel> socketChannelClass, String fallbackReason) {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /** Set to "epoll" or "nio" to force a transport (e.g. to compare them); unset picks the best. */
    public static final String PROPERTY = "outrigger.transport";

    public Transport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ioHandlerFactory, "ioHandlerFactory");
        Objects.requireNonNull(serverChannelClass, "serverChannelClass");
        Objects.requireNonNull(socketChannelClass, "socketChannelClass");
        Objects.requireNonNull(fallbackReason, "fallbackReason");
    }

    /**
     * Whether the sockets are native (epoll, io_uring): raw socket options work, so the proxy can
     * read {@code SO_ORIGINAL_DST} and set {@code IP_TRANSPARENT}; NIO can do neither.
     */
    public boolean nativeSockets() {
        return UnixChannel.class.isAssignableFrom(serverChannelClass);
    }

    /** The best transport available here, honouring {@value #PROPERTY}; logs the choice. */
    public static Transport detect() {
        String wanted = System.getProperty(PROPERTY, "").toLowerCase(Locale.ROOT);
        StringBuilder why = new StringBuilder();
        if ((wanted.isEmpty() || wanted.equals("io_uring"))) {
            if (IoUring.isAvailable()) {
                return logged(ioUring(), "");
            }
            why.append("io_uring unavailable (").append(IoUring.unavailabilityCause()).append("); ");
        }
        if (wanted.isEmpty() || wanted.equals("epoll") || wanted.equals("io_uring")) {
            if (Epoll.isAvailable()) {
                return logged(epoll(why.toString()), why.toString());
            }
            why.append("epoll unavailable (").append(Epoll.unavailabilityCause()).append("); ");
        }
        return logged(nio(why.toString()), why.toString());
    }

    private static Transport logged(Transport t, String why) {
        if (why.isEmpty()) {
            LOG.info("transport: {}", t.name());
        } else {
            LOG.info("transport: {} ({})", t.name(), why.strip());
        }
        return t;
    }

    static Transport ioUring() {
        return new Transport("io_uring", IoUringIoHandler::newFactory, IoUringServerSocketChannel.class,
                IoUringSocketChannel.class, "");
    }

    static Transport epoll(String why) {
        return new Transport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class,
                EpollSocketChannel.class, why);
    }

    static Transport nio(String why) {
        return new Transport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class,
                NioSocketChannel.class, why);
    }

    /** A new group of {@code threads} event loops named {@code outrigger-<purpose>-N}. */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String purpose) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("outrigger-" + purpose, true),
                ioHandlerFactory.get());
    }
}
