package io.outrigger.proxy.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Errors;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.outrigger.lb.Host;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.cluster.HostSet;
import io.outrigger.proxy.cluster.UpstreamHost;
import io.outrigger.proxy.cluster.UpstreamTransportSocket;
import io.outrigger.proxy.stats.ClusterStats;
import io.outrigger.proxy.stats.TcpProxyStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downstream connection proxied to one upstream connection by tcp_proxy. Everything here runs
 * on the downstream channel's event loop, which is also the upstream channel's (the upstream is
 * connected with {@code downstream.eventLoop()} as its group), so the state needs no locks.
 *
 * <p>Semantics follow Envoy's tcp_proxy: a weighted cluster is picked per connection; a failed
 * connect tries the next distinct host the load balancer picks, at most once per host; bytes flow
 * as pooled buffers with backpressure (reading from one side stops while the other side is not
 * writable); a FIN is forwarded as a half-close once everything before it is written; a reset is
 * forwarded as a reset (SO_LINGER 0); {@code idle_timeout} closes both sides.
 *
 * <p>An ORIGINAL_DST cluster has no hosts to pick from: the one attempt goes to the connection's
 * restored original destination, as Envoy's cluster-provided load balancer does; a connection
 * without one (not redirected) counts {@code upstream_cx_none_healthy} and is closed, so a client
 * connecting to the capture port itself cannot make the proxy connect to itself. The cluster
 * keeps a host per original destination in use, so per-host stats and {@code /clusters} show it.
 */
final class TcpSession {
    private static final Logger LOG = LoggerFactory.getLogger(TcpSession.class);

    enum Side { DOWNSTREAM, UPSTREAM }

    private enum CloseMode { FLUSH, NOW, RESET }

    private final Channel downstream;
    private final TcpProxyRoute route;
    private final TcpProxyContext context;
    private final TcpProxyStats tcpStats;
    private final Runnable idleCheck = this::checkIdle;
    private final InetSocketAddress originalDestination;
    private Future<?> idleTimer;

    private ClusterRuntime cluster;
    private ClusterStats clusterStats;
    private HostSet hostSet;
    private UpstreamHost[] tried;
    private int attempts;
    private UpstreamHost host;
    private Channel upstream;
    private boolean connected;
    private boolean attached;
    private boolean closed;
    private int outputsShut;
    private long lastActivityNanos;
    /**
     * Downstream bytes read before the upstream was attached. Reads are off until then, but a
     * native transport still delivers what it read when it saw the peer's FIN (EPOLLRDHUP).
     */
    private ArrayDeque<ByteBuf> early;
    private boolean earlyEof;
    /** A certificate is about to expire: the session closes at the first quiet moment. */
    private boolean expiring;
    private long expiryDeadlineNanos;
    private final Runnable expiryCheck = this::checkExpiring;

    /** @param originalDestination the restored original destination, or {@code null} */
    TcpSession(Channel downstream, TcpProxyRoute route, TcpProxyContext context, InetSocketAddress originalDestination) {
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.route = Objects.requireNonNull(route, "route");
        this.context = Objects.requireNonNull(context, "context");
        this.tcpStats = route.stats();
        this.originalDestination = originalDestination;
    }

    /**
     * How long a session whose certificate is expiring may wait for a quiet moment before both sides are
     * closed anyway. The expiry warning (default 1 min) must be longer than this.
     */
    static final long EXPIRY_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** No byte either way for this long: the current exchange is over, the session may close. */
    static final long EXPIRY_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The downstream became active: pick a cluster and start connecting. */
    void start() {
        context.sessions().add(this);
        tcpStats.downstreamCxTotal().increment();
        lastActivityNanos = context.nanoClock().getAsLong();
        int index = route.pick(context.random().nextLong());
        cluster = route.cluster(index);
        if (cluster == null) {
            tcpStats.downstreamCxNoRoute().increment();
            LOG.debug("{}: no cluster named {}, closing", downstream, route.clusterName(index));
            close(CloseMode.NOW);
            return;
        }
        clusterStats = cluster.stats();
        hostSet = cluster.hostSet();
        if (route.idleTimeoutNanos() > 0) {
            idleTimer = downstream.eventLoop().schedule(idleCheck, route.idleTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
        if (cluster.originalDst()) {
            connectOriginalDestination();
        } else {
            tried = new UpstreamHost[hostSet.hosts().size()];
            connectNext();
        }
    }

    /** ORIGINAL_DST: the one host is where the client meant to go; there is no next host. */
    private void connectOriginalDestination() {
        if (originalDestination == null) {
            clusterStats.upstreamCxNoneHealthy().increment();
            LOG.debug("{}: no original destination for ORIGINAL_DST cluster {}, closing", downstream, cluster.name());
            close(CloseMode.NOW);
            return;
        }
        tried = new UpstreamHost[1];
        connect(cluster.originalDstHost(originalDestination));
    }

    private void connectNext() {
        // ORIGINAL_DST: the original destination was the only host.
        UpstreamHost next = cluster.originalDst() ? null : nextHost();
        if (next == null) {
            if (attempts == 0) {
                clusterStats.upstreamCxNoneHealthy().increment();
            }
            close(CloseMode.NOW);
            return;
        }
        connect(next);
    }

    private void connect(UpstreamHost next) {
        tried[attempts++] = next;
        host = next;
        clusterStats.upstreamCxTotal().increment();
        clusterStats.upstreamCxActive().increment();
        next.stats().cxTotal().increment();
        next.stats().cxActive().increment();
        connect(next.socketAddress());
    }

    private void connect(InetSocketAddress remote) {
        Bootstrap b = new Bootstrap()
                .group(downstream.eventLoop())
                .channel(context.socketChannelClass())
                .option(ChannelOption.ALLOCATOR, downstream.alloc())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, TcpProxyInstaller.WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, cluster.connectTimeoutMillis())
                .handler(new RelayHandler(this, Side.UPSTREAM));
        // upstream_bind_config: e.g. 127.0.0.6, which the pod's capture rules let through to the app.
        InetSocketAddress source = cluster.bindAddressFor(remote);
        ChannelFuture f = source == null ? b.connect(remote) : b.connect(remote, source);
        upstream = f.channel();
        f.addListener((ChannelFutureListener) this::onConnect);
    }

    /**
     * The next host to try: what the load balancer picks, skipping hosts already tried; when the
     * picker keeps returning tried hosts (a hash policy), the first untried healthy host in order.
     */
    private UpstreamHost nextHost() {
        int n = tried.length;
        boolean stale = false;
        for (int i = 0; i < n; i++) {
            Host picked = hostSet.loadBalancer().pick(context.random().nextLong());
            if (picked == null) {
                break;
            }
            UpstreamHost u = hostSet.upstream(picked);
            if (u == null) {
                // The balancer moved to a newer membership after this session read its host set
                // (an update in flight): serve from the hosts this session holds.
                stale = true;
            } else if (!wasTried(u)) {
                return u;
            }
        }
        if (attempts == 0 && !stale) {
            return null;
        }
        for (UpstreamHost u : hostSet.hosts()) {
            if (!wasTried(u) && u.host().health().isHealthyForLb()) {
                return u;
            }
        }
        return null;
    }

    private boolean wasTried(UpstreamHost u) {
        for (int i = 0; i < attempts; i++) {
            if (tried[i] == u) {
                return true;
            }
        }
        return false;
    }

    private void onConnect(ChannelFuture f) {
        UpstreamTransportSocket tls = cluster.transportSocket();
        if (f.isSuccess() && tls != null && f.channel() == upstream && !closed) {
            // Envoy raises Connected for a TLS upstream once the handshake is done: a handshake that fails
            // is a failed connection attempt, and the next host is tried.
            Channel ch = f.channel();
            tls.install(ch, host).addListener((Future<? super Channel> h) -> onHandshake(ch, h));
            return;
        }
        onEstablished(f.isSuccess(), f.channel(), f.cause());
    }

    private void onHandshake(Channel ch, Future<? super Channel> h) {
        if (ch != upstream) {
            return;
        }
        if (!h.isSuccess()) {
            // onEstablished drops the channel before its channelInactive (always delivered later) arrives,
            // so that counts as a failed attempt's, not as the session's end.
            ch.close();
        }
        onEstablished(h.isSuccess(), ch, h.cause());
    }

    private void onEstablished(boolean success, Channel ch, Throwable cause) {
        if (success) {
            connected = true; // from here on, the upstream's channelInactive releases its counters
            if (closed) {
                ch.close(); // the downstream went away while we were connecting
                return;
            }
            attached = true;
            // A connection is the "request" LEAST_REQUEST balances on, as with Envoy's TCP pool.
            hostSet.loadBalancer().requestStarted(host.host());
            host.stats().rqTotal().increment();
            host.stats().rqActive().increment();
            if (early != null) {
                ByteBuf b;
                while ((b = early.poll()) != null) {
                    upstream.write(b, upstream.voidPromise());
                }
                upstream.flush();
                early = null;
            }
            upstream.config().setAutoRead(true);
            if (earlyEof) {
                inputShutdown(Side.DOWNSTREAM);
            } else {
                downstream.config().setAutoRead(true);
            }
            return;
        }
        UpstreamHost failed = host;
        clusterStats.upstreamCxActive().decrement();
        clusterStats.upstreamCxDestroy().increment();
        failed.stats().cxActive().decrement();
        upstream = null;
        if (closed) {
            return;
        }
        clusterStats.upstreamCxConnectFail().increment();
        failed.stats().cxConnectFail().increment();
        if (cause instanceof ConnectTimeoutException) {
            clusterStats.upstreamCxConnectTimeout().increment();
        }
        LOG.debug("{}: connect to {} of cluster {} failed: {}", downstream, failed.host(), cluster.name(),
                cause == null ? "cancelled" : cause.toString());
        connectNext();
    }

    /**
     * Bytes read from {@code side}: written to the other side. Ownership of {@code msg} passes to
     * the peer's write (Netty releases it once written), or it is released here when the session
     * can no longer forward it.
     */
    void forward(Side side, Channel self, Object msg) {
        if (!(msg instanceof ByteBuf buf) || closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!attached) {
            // Only the downstream can be read before attach; keep its bytes for the upstream.
            if (early == null) {
                early = new ArrayDeque<>(4);
            }
            tcpStats.downstreamCxRxBytesTotal().add(buf.readableBytes());
            clusterStats.upstreamCxTxBytesTotal().add(buf.readableBytes());
            early.add(buf);
            return;
        }
        lastActivityNanos = context.nanoClock().getAsLong();
        int n = buf.readableBytes();
        Channel peer;
        if (side == Side.DOWNSTREAM) {
            peer = upstream;
            tcpStats.downstreamCxRxBytesTotal().add(n);
            clusterStats.upstreamCxTxBytesTotal().add(n);
        } else {
            peer = downstream;
            clusterStats.upstreamCxRxBytesTotal().add(n);
            tcpStats.downstreamCxTxBytesTotal().add(n);
        }
        peer.write(buf, peer.voidPromise());
        if (!peer.isWritable() && self.config().isAutoRead()) {
            // Backpressure: stop reading this side until the peer drains (channelWritabilityChanged).
            self.config().setAutoRead(false);
            if (side == Side.DOWNSTREAM) {
                tcpStats.downstreamFlowControlPausedReadingTotal().increment();
            }
        }
    }

    /** End of a read burst on {@code side}: flush what was written to the peer. */
    void flushPeer(Side side) {
        Channel peer = side == Side.DOWNSTREAM ? upstream : downstream;
        if (peer != null && attached) {
            peer.flush();
        }
    }

    /** {@code self} drained below its low water mark: resume reading from the side that feeds it. */
    void writabilityChanged(Side side, Channel self) {
        if (closed || !attached || !self.isWritable()) {
            return;
        }
        Channel source = side == Side.DOWNSTREAM ? upstream : downstream;
        if (!source.config().isAutoRead()) {
            source.config().setAutoRead(true);
            if (source == downstream) {
                tcpStats.downstreamFlowControlResumedReadingTotal().increment();
            }
        }
    }

    /** {@code side} sent a FIN: forward it as a half-close once what it sent before is written. */
    void inputShutdown(Side side) {
        if (closed) {
            return;
        }
        if (!attached) {
            earlyEof = true; // forwarded once the upstream is attached
            return;
        }
        Channel peer = side == Side.DOWNSTREAM ? upstream : downstream;
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess() || closed) {
                return;
            }
            // Over TLS too the half-close is a TCP FIN alone, without close_notify: Netty's engines close their
            // sending side when they receive a close_notify, which would cut off the answer that a half-close
            // waits for. The peer proxy reads the FIN as the end of the stream, as it reads a close_notify.
            shutdownOutput(peer);
        });
    }

    private void shutdownOutput(Channel peer) {
        if (closed) {
            return;
        }
        ((DuplexChannel) peer).shutdownOutput().addListener((Future<? super Void> done) -> {
            if (++outputsShut == 2) {
                close(CloseMode.FLUSH);
            }
        });
    }

    /** {@code side} closed (ours or the peer's doing): close the other side once its writes are out. */
    void inactive(Side side, Channel self) {
        if (side == Side.UPSTREAM && connected && self == upstream) {
            clusterStats.upstreamCxActive().decrement();
            clusterStats.upstreamCxDestroy().increment();
            host.stats().cxActive().decrement();
            if (attached) {
                host.stats().rqActive().decrement();
                hostSet.loadBalancer().requestFinished(host.host());
            }
        }
        if (side == Side.UPSTREAM && self != upstream) {
            return; // a failed attempt's channel; onConnect accounted for it
        }
        close(CloseMode.FLUSH);
        if (!downstream.isActive() && (upstream == null || !upstream.isActive())) {
            cancelIdleTimer();
        }
    }

    /**
     * Without this, a finished session would stay reachable from the timer queue for up to
     * idle_timeout (an hour by default).
     */
    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    void exception(Side side, Throwable cause) {
        if (isReset(cause)) {
            LOG.debug("{} reset by {}: forwarding the reset", downstream, side);
            close(CloseMode.RESET);
        } else {
            LOG.debug("{}: {} error, closing: {}", downstream, side, cause.toString());
            close(CloseMode.NOW);
        }
    }

    /**
     * A certificate of this session's downstream or upstream TLS connection expires soon (Outrigger's answer
     * to envoy#28386): finish the connection while it is still valid. A byte stream has no message boundaries,
     * so the session waits for the current data to drain, the first moment no byte has moved either way for
     * {@link #EXPIRY_QUIET_NANOS} (between a response and the next request), and then closes both sides with
     * a FIN after everything written. A client that reconnects handshakes with the current certificate. At
     * the latest {@link #EXPIRY_GRACE_NANOS} after the warning, the session closes anyway.
     */
    void certificateExpiring(Side side) {
        if (closed || expiring) {
            return;
        }
        expiring = true;
        expiryDeadlineNanos = context.nanoClock().getAsLong() + EXPIRY_GRACE_NANOS;
        tcpStats.certificateExpiryDrain().increment();
        LOG.debug("{}: a {} certificate expires soon, finishing the connection once quiet", downstream, side);
        checkExpiring();
    }

    private void checkExpiring() {
        if (closed) {
            return;
        }
        long now = context.nanoClock().getAsLong();
        long quiet = now - lastActivityNanos;
        if (quiet >= EXPIRY_QUIET_NANOS || now - expiryDeadlineNanos >= 0) {
            close(CloseMode.FLUSH);
            return;
        }
        long wait = Math.min(EXPIRY_QUIET_NANOS - quiet, expiryDeadlineNanos - now);
        downstream.eventLoop().schedule(expiryCheck, Math.max(1, wait), TimeUnit.NANOSECONDS);
    }

    /** Called from any thread (drain): closes both sides on the session's event loop. */
    void closeFromOutside() {
        downstream.eventLoop().execute(() -> close(CloseMode.FLUSH));
    }

    private void checkIdle() {
        if (closed) {
            // A flush-then-close that the peer never drained (it stopped reading): give up on it.
            downstream.close();
            if (upstream != null) {
                upstream.close();
            }
            return;
        }
        long idle = context.nanoClock().getAsLong() - lastActivityNanos;
        long timeout = route.idleTimeoutNanos();
        if (idle >= timeout) {
            tcpStats.idleTimeout().increment();
            LOG.debug("{}: idle for {} ms, closing", downstream, TimeUnit.NANOSECONDS.toMillis(idle));
            close(CloseMode.NOW);
        } else {
            idleTimer = downstream.eventLoop().schedule(idleCheck, timeout - idle, TimeUnit.NANOSECONDS);
        }
    }

    private void close(CloseMode mode) {
        if (closed) {
            return;
        }
        closed = true;
        context.sessions().remove(this);
        if (mode != CloseMode.FLUSH) {
            cancelIdleTimer();
        } // else the idle timer bounds the flush; cancelled once both channels are closed (inactive)
        if (early != null) {
            ByteBuf b;
            while ((b = early.poll()) != null) {
                b.release();
            }
        }
        close(downstream, mode);
        if (upstream != null) {
            close(upstream, mode);
        }
    }

    private static void close(Channel ch, CloseMode mode) {
        switch (mode) {
            case RESET -> {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
                ch.close();
            }
            case NOW -> ch.close();
            case FLUSH -> {
                if (ch.isActive()) {
                    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ch.close();
                }
            }
        }
    }

    /** A peer reset (ECONNRESET) as the native transports and NIO report it. */
    static boolean isReset(Throwable cause) {
        if (cause instanceof Errors.NativeIoException n) {
            return n.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE;
        }
        return cause instanceof IOException && cause.getMessage() != null
                && cause.getMessage().contains("Connection reset");
    }
}
