package io.outrigger.proxy.listener;

import io.outrigger.proxy.rbac.RbacFilter;
import io.outrigger.proxy.tcp.TcpProxyRoute;
import io.outrigger.proxy.tls.DownstreamTls;
import java.util.Objects;

/**
 * A filter chain as the data path runs it: its transport socket, its network filters before the terminal
 * one, and its tcp_proxy. Immutable.
 *
 * @param name the chain's name, for logs
 * @param tls the chain's {@code DownstreamTlsContext}, or {@code null} for raw_buffer
 * @param rbac the chain's network RBAC filter, or {@code null}
 */
public record ChainRuntime(String name, DownstreamTls tls, RbacFilter rbac, TcpProxyRoute route) {
    public ChainRuntime {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(route, "route");
    }

    /** A plaintext chain that only proxies. */
    public static ChainRuntime plain(TcpProxyRoute route) {
        return new ChainRuntime("", null, null, route);
    }
}
