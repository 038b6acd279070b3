package io.outrigger.proxy.http.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.outrigger.proxy.cluster.UpstreamHost;

/** How upstream HTTP connections are opened, and their accounting in Envoy's cluster and host stats. */
final class Connections {
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private Connections() {
    }

    static Bootstrap bootstrap(EventLoop loop, Class<? extends SocketChannel> channelClass, ClusterHttp cluster,
                               ChannelHandler handler) {
        return new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, cluster.cluster().connectTimeoutMillis())
                .handler(handler);
    }

    static void connecting(ClusterHttp cluster, UpstreamHost host) {
        cluster.cluster().stats().upstreamCxTotal().increment();
        cluster.cluster().stats().upstreamCxActive().increment();
        host.stats().cxTotal().increment();
        host.stats().cxActive().increment();
    }

    static void connectFailed(ClusterHttp cluster, UpstreamHost host, Throwable cause) {
        cluster.cluster().stats().upstreamCxConnectFail().increment();
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            cluster.cluster().stats().upstreamCxConnectTimeout().increment();
        }
        host.stats().cxConnectFail().increment();
        closed(cluster, host);
        cluster.reportLocalFailure(host.host());
    }

    static void closed(ClusterHttp cluster, UpstreamHost host) {
        cluster.cluster().stats().upstreamCxActive().decrement();
        cluster.cluster().stats().upstreamCxDestroy().increment();
        host.stats().cxActive().decrement();
    }
}
