package io.outrigger.proxy.transport;

import io.netty.channel.Channel;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AttributeKey;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The destination a connection had before iptables redirected it ({@code SO_ORIGINAL_DST}), read
 * with a raw socket option on epoll and io_uring channels: no JNI of ours and no FFM. Envoy's
 * {@code original_dst} listener filter does the same {@code getsockopt}.
 *
 * <p>On a connection that was not redirected the kernel answers with the socket's own local
 * address, which is then the right destination anyway.
 */
public final class OriginalDestination {
    /** Where the listener layer leaves the original destination for the tcp_proxy. */
    public static final AttributeKey<InetSocketAddress> KEY = AttributeKey.valueOf("outrigger.original_dst");

    // SOL_IP, SO_ORIGINAL_DST (linux/netfilter_ipv4.h): a struct sockaddr_in.
    private static final RawUnixChannelOption IPV4 = new RawUnixChannelOption("SO_ORIGINAL_DST", 0, 80, 16);
    // SOL_IPV6, IP6T_SO_ORIGINAL_DST (linux/netfilter_ipv6/ip6_tables.h): a struct sockaddr_in6.
    private static final RawUnixChannelOption IPV6 = new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", 41, 80, 28);

    private OriginalDestination() {
    }

    /** Whether {@code ch}'s transport can read the original destination (epoll and io_uring can, NIO cannot). */
    public static boolean supported(Transport transport) {
        return !transport.name().equals("nio");
    }

    /**
     * Reads the original destination of an accepted connection.
     *
     * @return the destination, or {@code null} when the transport cannot tell (NIO) or the kernel
     *         has none (no conntrack entry)
     */
    public static InetSocketAddress read(Channel ch) {
        if (!(ch instanceof UnixChannel) || !(ch.localAddress() instanceof InetSocketAddress local)) {
            return null;
        }
        boolean v4 = local.getAddress() instanceof Inet4Address;
        RawUnixChannelOption option = v4 ? IPV4 : IPV6;
        ByteBuffer raw;
        try {
            raw = ch.config().getOption(option);
        } catch (RuntimeException e) {
            return null; // ENOENT: not tracked by conntrack (e.g. nf_conntrack not loaded)
        }
        return raw == null ? null : parse(raw, v4);
    }

    /** Parses a {@code sockaddr_in} or {@code sockaddr_in6} as the kernel fills it. */
    static InetSocketAddress parse(ByteBuffer raw, boolean v4) {
        ByteBuffer b = raw.duplicate().order(ByteOrder.BIG_ENDIAN);
        b.position(2); // sa_family is in host byte order; the family is known from the socket
        int port = b.getShort() & 0xffff;
        byte[] addr = new byte[v4 ? 4 : 16];
        if (!v4) {
            b.getInt(); // sin6_flowinfo
        }
        b.get(addr);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of length " + addr.length, e);
        }
    }
}
