package io.outrigger.proxy.cluster;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;

/**
 * A cluster's transport socket other than raw_buffer (Envoy's {@code envoy.transport_sockets.tls}): what
 * an upstream connection runs through once TCP is connected. Called on the connection's event loop.
 */
public interface UpstreamTransportSocket {
    /**
     * Puts the transport's handlers at the front of {@code upstream}'s pipeline (the channel is active) and
     * starts its handshake.
     *
     * @return completes when the connection may carry data; a failure is a failed connection attempt
     */
    Future<Channel> install(Channel upstream, UpstreamHost host);
}
