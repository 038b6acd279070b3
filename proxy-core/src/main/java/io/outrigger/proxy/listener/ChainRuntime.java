package io.outrigger.proxy.listener;

import io.outrigger.proxy.rbac.RbacFilter;
import io.outrigger.proxy.tls.DownstreamTls;
import java.util.Objects;

/**
 * A filter chain as the data path runs it: its transport socket, its network filters before the
 * terminal one, and its terminal filter (a tcp_proxy or an http_connection_manager). Immutable.
 *
 * @param name the chain's name, for logs
 * @param tls the chain's {@code DownstreamTlsContext}, or {@code null} for raw_buffer
 * @param rbac the chain's network RBAC filter, or {@code null}
 * @param terminal installs the chain's tcp_proxy or http_connection_manager
 */
public record ChainRuntime(String name, DownstreamTls tls, RbacFilter rbac, NetworkChain terminal) {
    public ChainRuntime {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(terminal, "terminal");
    }

    /** A plaintext chain that only runs its terminal filter. */
    public static ChainRuntime plain(NetworkChain terminal) {
        return new ChainRuntime("", null, null, terminal);
    }
}
