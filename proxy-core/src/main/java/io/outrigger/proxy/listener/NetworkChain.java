package io.outrigger.proxy.listener;

import io.netty.channel.Channel;

/**
 * What a filter chain does with an accepted connection: installs its terminal network filter
 * (tcp_proxy or http_connection_manager) on the channel, before the channel is active.
 */
@FunctionalInterface
public interface NetworkChain {
    void install(Channel downstream);
}
