package io.outrigger.proxy.listener;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * What a filter chain does with an accepted connection: installs its terminal network filter
 * (tcp_proxy or http_connection_manager) on the channel.
 */
@FunctionalInterface
public interface NetworkChain {
    /**
     * Installs the terminal filter on a channel that is not active yet (chosen at accept).
     *
     * @param originalDestination the connection's restored original destination (what an
     *                            ORIGINAL_DST cluster connects to), or {@code null} when none was
     *                            restored
     */
    void install(Channel downstream, InetSocketAddress originalDestination);

    /**
     * Installs the terminal filter on an ACTIVE channel and starts it at once: the chain was chosen
     * after bytes were read (tls_inspector) or after a TLS handshake and RBAC. An
     * http_connection_manager starts reading on install either way, so by default this is
     * {@link #install}.
     */
    default void installAndStart(Channel downstream, InetSocketAddress originalDestination) {
        install(downstream, originalDestination);
    }
}
