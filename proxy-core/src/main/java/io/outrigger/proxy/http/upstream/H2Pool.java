package io.outrigger.proxy.http.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.outrigger.proxy.cluster.UpstreamHost;
import java.util.ArrayDeque;

/**
 * One multiplexed HTTP/2 connection to one host from one event loop (prior knowledge, cleartext):
 * each attempt is a stream; while the connection is being opened, attempts wait. Streams beyond the
 * cluster's {@code max_concurrent_streams} wait for one to end. After a GOAWAY the connection takes
 * no new streams and a new one is opened. Event loop only.
 */
final class H2Pool {
    private final EventLoop loop;
    private final UpstreamHost host;
    private final ClusterHttp cluster;
    private final Class<? extends SocketChannel> channelClass;
    private final ArrayDeque<H2Attempt> waiting = new ArrayDeque<>();
    private Channel connection;
    private boolean ready;
    private int activeStreams;

    H2Pool(EventLoop loop, UpstreamHost host, ClusterHttp cluster, Class<? extends SocketChannel> channelClass) {
        this.loop = loop;
        this.host = host;
        this.cluster = cluster;
        this.channelClass = channelClass;
    }

    H2Attempt start(UpstreamCallbacks callbacks) {
        H2Attempt a = new H2Attempt(this, host, callbacks);
        if (ready && connection.isActive() && activeStreams < cluster.spec().maxConcurrentStreams()) {
            open(a);
        } else if (connection != null && connection.isActive() && !ready) {
            waiting.add(a);
        } else if (ready && connection.isActive()) {
            waiting.add(a); // every stream slot is taken: wait for one to end
        } else {
            // One connection per loop and host: it is always opened (counted in max_connections
            // when the breaker has room), as Envoy's pools never starve a pool with no connection.
            waiting.add(a);
            connect();
        }
        return a;
    }

    private void connect() {
        Connections.connecting(cluster, host);
        ready = false;
        ParentHandler parent = new ParentHandler();
        parent.counted = cluster.breaker().tryAcquireConnection();
        ChannelFuture f = Connections.bootstrap(loop, channelClass, cluster, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg); // no server push is enabled
                            }
                        }), parent);
            }
        }).connect(host.socketAddress());
        Channel ch = f.channel();
        connection = ch;
        parent.channel = ch;
        f.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                parent.connected = true;
                cluster.reportLocalSuccess(host.host());
                if (connection == ch) {
                    ready = true;
                    drainWaiting();
                }
            } else {
                parent.releaseSlot();
                Connections.connectFailed(cluster, host, done.cause());
                if (connection == ch) {
                    connection = null;
                    failWaiting(UpstreamCallbacks.Failure.CONNECT_FAILURE, done.cause());
                }
            }
        });
    }

    private void drainWaiting() {
        H2Attempt a;
        while (activeStreams < cluster.spec().maxConcurrentStreams() && (a = waiting.poll()) != null) {
            if (!a.isCancelled()) {
                open(a);
            }
        }
    }

    private void failWaiting(UpstreamCallbacks.Failure failure, Throwable cause) {
        H2Attempt a;
        while ((a = waiting.poll()) != null) {
            a.fail(failure, cause);
        }
    }

    private void open(H2Attempt a) {
        activeStreams++;
        host.stats().rqTotal().increment();
        new Http2StreamChannelBootstrap(connection).handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), a.handler());
            }
        }).open().addListener(f -> {
            if (f.isSuccess()) {
                a.attach((Http2StreamChannel) f.getNow());
            } else {
                streamClosed();
                a.fail(UpstreamCallbacks.Failure.RESET, f.cause());
            }
        });
    }

    /** A stream ended: its slot goes to a waiting attempt. */
    void streamClosed() {
        activeStreams--;
        if (ready && connection != null && connection.isActive()) {
            drainWaiting();
        }
    }

    void removeWaiting(H2Attempt a) {
        waiting.remove(a);
    }

    /** Watches the connection: GOAWAY and close take it out of use. */
    private final class ParentHandler extends ChannelInboundHandlerAdapter {
        Channel channel;
        boolean connected;
        boolean counted;

        void releaseSlot() {
            if (counted) {
                counted = false;
                cluster.breaker().releaseConnection();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                retire();
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connected) {
                connected = false;
                Connections.closed(cluster, host);
                releaseSlot();
            }
            retire();
            if (!waiting.isEmpty() && connection == null) {
                connect();
            }
        }

        private void retire() {
            if (connection == channel) {
                connection = null;
                ready = false;
                activeStreams = 0;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
