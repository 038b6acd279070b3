package io.outrigger.proxy.http.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.outrigger.proxy.cluster.UpstreamHost;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 connections to one host from one event loop: idle connections are reused (one request at
 * a time each, never pipelined), new ones are opened while the cluster's {@code max_connections}
 * allows, then requests wait as pending up to {@code max_pending_requests}; beyond that they
 * overflow (503, flag UO). Event loop only.
 */
final class H1Pool {
    private final EventLoop loop;
    private final UpstreamHost host;
    private final ClusterHttp cluster;
    private final Class<? extends SocketChannel> channelClass;
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final ArrayDeque<H1Attempt> pending = new ArrayDeque<>();
    /** Open or opening connections of this pool. */
    private int connections;
    /** Connections opened beyond max_connections (not counted in the circuit breaker). */
    private int uncounted;

    H1Pool(EventLoop loop, UpstreamHost host, ClusterHttp cluster, Class<? extends SocketChannel> channelClass) {
        this.loop = loop;
        this.host = host;
        this.cluster = cluster;
        this.channelClass = channelClass;
    }

    H1Attempt start(UpstreamCallbacks callbacks) {
        H1Attempt a = new H1Attempt(this, host, callbacks);
        Conn c;
        while ((c = idle.pollLast()) != null) {
            if (c.channel.isActive()) {
                c.cancelIdle();
                c.assign(a);
                return a;
            }
        }
        if (cluster.breaker().tryAcquireConnection()) {
            connect(a);
        } else if (connections == 0) {
            // As Envoy's pools do: a pool with no connection at all always gets one, or its pending
            // requests could wait forever for connections held by other event loops.
            connect(a);
            uncounted++;
        } else if (cluster.breaker().tryAcquirePendingRequest()) {
            pending.add(a);
        } else {
            cluster.rqPendingOverflow.increment();
            loop.execute(() -> a.fail(UpstreamCallbacks.Failure.OVERFLOW, null));
        }
        return a;
    }

    private void connect(H1Attempt a) {
        connections++;
        Connections.connecting(cluster, host);
        Conn conn = new Conn();
        ChannelFuture f = Connections.bootstrap(loop, channelClass, cluster, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(4096, 64 * 1024, 8192), conn);
            }
        }).connect(host.socketAddress());
        conn.channel = f.channel();
        f.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                conn.connected = true;
                cluster.reportLocalSuccess(host.host());
                if (a.isCancelled()) {
                    release(conn, true);
                } else {
                    conn.assign(a);
                }
            } else {
                connections--;
                releaseBreakerSlot();
                Connections.connectFailed(cluster, host, done.cause());
                a.fail(UpstreamCallbacks.Failure.CONNECT_FAILURE, done.cause());
                servePending();
            }
        });
    }

    /** A finished exchange gives its connection back; a connection that cannot be reused is closed. */
    void release(Conn conn, boolean reusable) {
        conn.current = null;
        if (!reusable || !conn.channel.isActive()) {
            conn.channel.close();
            return;
        }
        H1Attempt next;
        while ((next = pending.poll()) != null) {
            cluster.breaker().releasePendingRequest();
            if (!next.isCancelled()) {
                conn.assign(next);
                return;
            }
        }
        idle.add(conn);
        long idleNanos = cluster.spec().idleTimeout().toNanos();
        if (idleNanos > 0) {
            conn.idleTimer = loop.schedule(() -> {
                if (conn.current == null) {
                    idle.remove(conn);
                    conn.channel.close();
                }
            }, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    void removePending(H1Attempt a) {
        if (pending.remove(a)) {
            cluster.breaker().releasePendingRequest();
        }
    }

    /** A connection slot freed up: the oldest pending request gets a new connection. */
    private void servePending() {
        while (!pending.isEmpty() && cluster.breaker().tryAcquireConnection()) {
            H1Attempt next = pending.poll();
            cluster.breaker().releasePendingRequest();
            if (next.isCancelled()) {
                cluster.breaker().releaseConnection();
                continue;
            }
            connect(next);
        }
    }

    private void releaseBreakerSlot() {
        if (uncounted > 0) {
            uncounted--;
        } else {
            cluster.breaker().releaseConnection();
        }
    }

    long maxRequestsPerConnection() {
        return cluster.spec().maxRequestsPerConnection();
    }

    /** One pooled connection: forwards what it reads to the attempt using it. */
    final class Conn extends ChannelInboundHandlerAdapter {
        Channel channel;
        boolean connected;
        H1Attempt current;
        long requests;
        ScheduledFuture<?> idleTimer;

        void assign(H1Attempt a) {
            current = a;
            requests++;
            host.stats().rqTotal().increment();
            a.attach(this);
        }

        void cancelIdle() {
            if (idleTimer != null) {
                idleTimer.cancel(false);
                idleTimer = null;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            H1Attempt a = current;
            if (a == null) {
                // Bytes on an idle connection (a late or unsolicited response): it cannot be reused.
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            a.onRead(msg);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (current != null && ctx.channel().isWritable()) {
                current.onWritable();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.remove(this);
            cancelIdle();
            if (connected) {
                connected = false;
                connections--;
                releaseBreakerSlot();
                Connections.closed(cluster, host);
            }
            H1Attempt a = current;
            current = null;
            if (a != null) {
                a.onClosed();
            }
            servePending();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
