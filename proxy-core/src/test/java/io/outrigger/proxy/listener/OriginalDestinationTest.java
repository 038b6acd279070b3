package io.outrigger.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Decoding what {@code getsockopt(SO_ORIGINAL_DST)} returns, with byte layouts written from the
 * Linux ABI ({@code struct sockaddr_in}: family in host order, port and address in network order;
 * {@code struct sockaddr_in6}: family, port, flow info, address, scope id), and what a connection
 * that was not redirected restores.
 */
class OriginalDestinationTest {

    private static ByteBuffer sockaddrIn(int port, int... octets) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.order(ByteOrder.nativeOrder()).putShort(0, (short) 2); // AF_INET
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        for (int i = 0; i < 4; i++) {
            b.put(4 + i, (byte) octets[i]);
        }
        return b;
    }

    @Test
    void sockaddrInDecodesToTheRedirectedIpv4DestinationAndPort() {
        assertThat(OriginalDestination.parse(sockaddrIn(8080, 10, 213, 7, 3)))
                .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("10.213.7.3"), 8080));
        // Ports above 32767 must not come out negative.
        assertThat(OriginalDestination.parse(sockaddrIn(65000, 192, 168, 0, 1)).getPort()).isEqualTo(65000);
    }

    @Test
    void sockaddrIn6DecodesToTheRedirectedIpv6DestinationAndPort() {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.order(ByteOrder.nativeOrder()).putShort(0, (short) 10); // AF_INET6
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) 9080);
        b.putInt(4, 0); // flow info
        byte[] addr = InetAddress.ofLiteral("fd00:213:7::3").getAddress();
        b.put(8, addr);
        b.putInt(24, 0); // scope id
        assertThat(OriginalDestination.parse(b))
                .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("fd00:213:7::3"), 9080));
    }

    @Test
    void sockaddrInAsTheKernelFillsItOnX8664GivesAddressAndNetworkOrderPort() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
                "skipped: the fixture's sa_family is little endian, as on x86-64");
        // sin_family AF_INET=2 (little endian), sin_port 8080 (big endian), 10.0.0.7, 8 bytes of zero
        ByteBuffer raw = ByteBuffer.wrap(HexFormat.of().parseHex("0200" + "1f90" + "0a000007" + "0000000000000000"));

        assertThat(OriginalDestination.parse(raw))
                .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("10.0.0.7"), 8080));
    }

    @Test
    void sockaddrIn6AsTheKernelFillsItOnX8664SkipsFlowInfo() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
                "skipped: the fixture's sa_family is little endian, as on x86-64");
        // AF_INET6=10, port 443, flowinfo 0, fd00::1, scope id 0
        ByteBuffer raw = ByteBuffer.wrap(HexFormat.of().parseHex("0a00" + "01bb" + "00000000"
                + "fd000000000000000000000000000001" + "00000000"));

        assertThat(OriginalDestination.parse(raw))
                .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("fd00::1"), 443));
    }

    @Test
    void unknownAddressFamilyIsNotADestination() {
        ByteBuffer b = sockaddrIn(80, 1, 2, 3, 4);
        b.order(ByteOrder.nativeOrder()).putShort(0, (short) 1); // AF_UNIX
        assertThat(OriginalDestination.parse(b)).isNull();
    }

    @Test
    void connectionThatWasNotRedirectedHasNoOriginalDestinationUnlessTheListenerIsTransparent() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "skipped: needs the epoll transport");
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            CompletableFuture<InetSocketAddress[]> seen = new CompletableFuture<>();
            Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            seen.complete(new InetSocketAddress[] {
                                    OriginalDestination.restore(ch, false), OriginalDestination.restore(ch, true),
                                    (InetSocketAddress) ch.localAddress()});
                            ch.close();
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) server.localAddress()).getPort())) {
                InetSocketAddress[] r = seen.get(30, TimeUnit.SECONDS);
                assertThat(r[0]).as("not transparent").isNull();
                assertThat(r[1]).as("transparent (TPROXY keeps the destination)").isEqualTo(r[2]);
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
