package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * What a filter chain does with an accepted connection: installs its terminal network filter
 * (tcp_proxy or http_connection_manager) on the channel, before the channel is active.
 */
@FunctionalInterface
public interface NetworkChain {
    /**
     * @param originalDestination the connection's restored original destination (what an
     *                            ORIGINAL_DST cluster connects to), or {@code null} when none was
     *                            restored
     */
    void install(Channel downstream, InetSocketAddress originalDestination);
}
