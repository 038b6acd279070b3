package io.outrigger.proxy.listener;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a listener with {@code use_original_dst} hands a connection over to, as Envoy does: among
 * the listeners with {@code bind_to_port: false} (they own no socket and exist to receive
 * connections handed over), the one whose address is exactly the original destination
 * {@code ip:port}, else the one on the wildcard address of the same family ({@code 0.0.0.0:port}
 * or {@code [::]:port}); with neither, the receiving listener keeps the connection and matches it
 * against its own filter chains. A listener that binds its port is never a target, so traffic
 * leaving the pod for some other host's port 15021 is not served by the local 15021 listener.
 * Immutable; built once per configuration.
 */
public final class ListenerHandoff {
    /** No other listener: every connection stays on the listener that accepted it. */
    public static final ListenerHandoff NONE = new ListenerHandoff(Map.of(), Map.of(), Map.of());

    private final Map<InetSocketAddress, ServingListener> exact;
    private final Map<Integer, ServingListener> anyV4;
    private final Map<Integer, ServingListener> anyV6;

    private ListenerHandoff(Map<InetSocketAddress, ServingListener> exact, Map<Integer, ServingListener> anyV4,
                           Map<Integer, ServingListener> anyV6) {
        this.exact = exact;
        this.anyV4 = anyV4;
        this.anyV6 = anyV6;
    }

    /**
     * The handoff targets among {@code listeners}: those with {@code bind_to_port: false}; the
     * first listener on an address wins.
     */
    public static ListenerHandoff of(List<ListenerRuntime> listeners) {
        Map<InetSocketAddress, ServingListener> exact = new HashMap<>();
        Map<Integer, ServingListener> anyV4 = new HashMap<>();
        Map<Integer, ServingListener> anyV6 = new HashMap<>();
        for (ListenerRuntime l : listeners) {
            if (l.spec().bindToPort()) {
                continue;
            }
            InetAddress ip = InetAddress.ofLiteral(l.spec().address().address());
            int port = l.spec().address().port();
            ServingListener t = new ServingListener(l);
            if (ip.isAnyLocalAddress()) {
                (ip instanceof Inet4Address ? anyV4 : anyV6).putIfAbsent(port, t);
            } else {
                exact.putIfAbsent(new InetSocketAddress(ip, port), t);
            }
        }
        return new ListenerHandoff(Map.copyOf(exact), Map.copyOf(anyV4), Map.copyOf(anyV6));
    }

    /** The listener that owns {@code destination}, or {@code null} when none does. */
    public ListenerRuntime find(InetSocketAddress destination) {
        ServingListener t = target(destination);
        return t == null ? null : t.runtime();
    }

    ServingListener target(InetSocketAddress destination) {
        ServingListener t = exact.get(destination);
        if (t != null) {
            return t;
        }
        return (destination.getAddress() instanceof Inet4Address ? anyV4 : anyV6).get(destination.getPort());
    }
}
