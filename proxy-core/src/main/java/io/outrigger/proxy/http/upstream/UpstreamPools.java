package io.outrigger.proxy.http.upstream;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.outrigger.proxy.cluster.UpstreamHost;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream connection pools of one cluster: one pool per event loop, host and protocol, so a
 * request's upstream connection lives on the request's own event loop (no hand-offs, no locks).
 * The per-loop maps are only touched by their loop.
 */
public final class UpstreamPools {
    private final ClusterHttp cluster;
    private final Class<? extends SocketChannel> channelClass;
    private final Map<EventLoop, Map<UpstreamHost, H1Pool>> h1 = new ConcurrentHashMap<>();
    private final Map<EventLoop, Map<UpstreamHost, H2Pool>> h2 = new ConcurrentHashMap<>();

    public UpstreamPools(ClusterHttp cluster, Class<? extends SocketChannel> channelClass) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.channelClass = Objects.requireNonNull(channelClass, "channelClass");
    }

    /**
     * Starts an attempt on {@code host} over {@code http2} or HTTP/1.1. The attempt reports through
     * {@code callbacks}: ready, or a failure (connect failure, overflow).
     */
    public UpstreamAttempt start(EventLoop loop, UpstreamHost host, boolean http2, UpstreamCallbacks callbacks) {
        if (http2) {
            H2Pool pool = h2.computeIfAbsent(loop, l -> new HashMap<>())
                    .computeIfAbsent(host, h -> new H2Pool(loop, h, cluster, channelClass));
            return pool.start(callbacks);
        }
        H1Pool pool = h1.computeIfAbsent(loop, l -> new HashMap<>())
                .computeIfAbsent(host, h -> new H1Pool(loop, h, cluster, channelClass));
        return pool.start(callbacks);
    }

    public ClusterHttp cluster() {
        return cluster;
    }
}
