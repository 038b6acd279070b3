package io.outrigger.tls.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.outrigger.tls.context.TlsConnectionInfo;
import io.outrigger.tls.context.TlsContextSource;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real TLS echo server and clients on 127.0.0.1 over NIO: what the handshake tests run on. Server channels
 * are recorded so tests can see what the server learned about each client.
 */
public final class Loopback implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel serverChannel;
    /** Server-side child channels, in accept order. */
    public final List<Channel> accepted = new CopyOnWriteArrayList<>();
    /** Every user event the server pipelines saw after the TLS observer. */
    public final BlockingQueue<Object> serverEvents = new LinkedBlockingQueue<>();

    public Loopback(TlsContextSource server) throws InterruptedException {
        serverChannel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        server.newHandlers(ch.alloc()).addLast(ch.pipeline());
                        ch.pipeline().addLast(new Echo(serverEvents));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** A connected client; its handshake may still be running. */
    public Client connect(TlsContextSource client, String sni) throws InterruptedException {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        SslHandler[] ssl = new SslHandler[1];
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        var h = sni == null ? client.newHandlers(c.alloc()) : client.newHandlers(c.alloc(), sni, port());
                        ssl[0] = h.sslHandler();
                        h.addLast(c.pipeline());
                        c.pipeline().addLast(new Collect(received));
                    }
                }).connect("127.0.0.1", port()).sync().channel();
        return new Client(ch, ssl[0], received);
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        for (Channel c : accepted) {
            c.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A client connection and what it received. */
    public record Client(Channel channel, SslHandler ssl, BlockingQueue<Object> received) {

        /** Waits for the handshake; returns its outcome. */
        public Future<Channel> handshake() throws InterruptedException {
            Future<Channel> f = ssl().handshakeFuture();
            f.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!f.isDone()) {
                throw new AssertionError("handshake did not complete within " + TIMEOUT);
            }
            if (f.isSuccess()) {
                // The observer publishes the info right after the handshake future completes.
                org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> info() != null);
            }
            return f;
        }

        public TlsConnectionInfo info() {
            return channel.attr(TlsConnectionInfo.ATTR).get();
        }

        /** Sends text and returns the echo, or null when the connection closed first. */
        public String echo(String text) throws InterruptedException {
            channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (sb.length() < text.length()) {
                Object o = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (o == null) {
                    throw new AssertionError("no echo within " + TIMEOUT);
                }
                if (o == Collect.CLOSED) {
                    return null;
                }
                if (o instanceof String s) {
                    sb.append(s);
                }
            }
            return sb.toString();
        }

        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    /** Echoes bytes; records user events. */
    static final class Echo extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<Object> events;

        Echo(BlockingQueue<Object> events) {
            this.events = events;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg); // ownership passes to the write
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Collects received text, user events, and a CLOSED marker. */
    static final class Collect extends ChannelInboundHandlerAdapter {
        static final Object CLOSED = new Object();
        private final BlockingQueue<Object> out;

        Collect(BlockingQueue<Object> out) {
            this.out = out;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                out.add(b.toString(StandardCharsets.UTF_8));
            } finally {
                b.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            out.add(evt);
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            out.add(CLOSED);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
