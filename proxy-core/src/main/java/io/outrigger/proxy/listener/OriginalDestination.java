package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.channel.unix.UnixChannel;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Envoy's {@code envoy.filters.listener.original_dst}: the address an accepted connection was
 * originally sent to, before iptables sent it to this listener.
 *
 * <ul>
 *   <li>REDIRECT (nat): the kernel keeps the original destination in the connection's conntrack
 *       entry; {@code getsockopt(SOL_IP, SO_ORIGINAL_DST)} ({@code SOL_IPV6},
 *       {@code IP6T_SO_ORIGINAL_DST} for IPv6) returns it as a {@code sockaddr_in(6)}. Read through
 *       Netty's raw socket options on epoll and io_uring channels: no JNI of our own.</li>
 *   <li>TPROXY: the packets keep their destination, so the accepted socket's local address
 *       <em>is</em> the original destination; the listener must be {@code transparent}.</li>
 * </ul>
 *
 * A connection that was not redirected has a conntrack entry without NAT, and the option returns
 * the socket's own local address. On a listener that is not transparent such a connection has
 * no original destination to restore: it was sent to the listener itself, and an ORIGINAL_DST
 * cluster must not connect back to it (that would be a loop).
 */
final class OriginalDestination {
    /** {@code SOL_IP} (0), {@code SO_ORIGINAL_DST} (80), {@code sizeof(struct sockaddr_in)}. */
    static final RawUnixChannelOption SO_ORIGINAL_DST =
            new RawUnixChannelOption("SO_ORIGINAL_DST", 0, 80, 16);
    /** {@code SOL_IPV6} (41), {@code IP6T_SO_ORIGINAL_DST} (80), {@code sizeof(struct sockaddr_in6)}. */
    static final RawUnixChannelOption IP6T_SO_ORIGINAL_DST =
            new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", 41, 80, 28);

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private OriginalDestination() {
    }

    /**
     * The original destination of {@code ch}, or {@code null} when it has none to restore (not
     * redirected and not on a transparent listener, or a transport without raw socket options).
     *
     * @param transparent whether the listener is {@code IP_TRANSPARENT} (TPROXY)
     */
    static InetSocketAddress restore(Channel ch, boolean transparent) {
        InetSocketAddress local = (InetSocketAddress) ch.localAddress();
        if (local == null) {
            return null;
        }
        if (ch instanceof UnixChannel) {
            try {
                ByteBuffer raw = ch.config().getOption(
                        local.getAddress() instanceof Inet6Address ? IP6T_SO_ORIGINAL_DST : SO_ORIGINAL_DST);
                InetSocketAddress original = raw == null ? null : parse(raw);
                if (original != null && !original.equals(local)) {
                    return original;
                }
            } catch (ChannelException e) {
                // No conntrack entry (e.g. conntrack not loaded): nothing was NATed.
            }
        }
        return transparent ? local : null;
    }

    /**
     * Decodes a Linux {@code sockaddr_in} or {@code sockaddr_in6}: the family in host byte order,
     * then the port and the address in network byte order.
     *
     * @return the address, or {@code null} when the family is neither AF_INET nor AF_INET6
     */
    static InetSocketAddress parse(ByteBuffer raw) {
        if (raw.remaining() < 8) {
            return null;
        }
        int at = raw.position();
        ByteBuffer b = raw.duplicate().order(ByteOrder.nativeOrder());
        int family = b.getShort(at) & 0xffff;
        int port = ((raw.get(at + 2) & 0xff) << 8) | (raw.get(at + 3) & 0xff);
        byte[] address;
        if (family == AF_INET) {
            address = new byte[4];
            raw.get(at + 4, address);
        } else if (family == AF_INET6 && raw.remaining() >= 24) {
            address = new byte[16];
            raw.get(at + 8, address);
        } else {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }
}
