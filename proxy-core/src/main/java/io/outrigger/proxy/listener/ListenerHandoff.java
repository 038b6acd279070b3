package io.outrigger.proxy.listener;

import io.netty.channel.group.ChannelGroup;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The listeners of one configuration as an accepted connection finds them: the accepting listener
 * by name, and where a listener with {@code use_original_dst} hands the connection over to, as
 * Envoy does: among the listeners with {@code bind_to_port: false} (they own no socket and exist
 * to receive connections handed over), the one whose address is exactly the original destination
 * {@code ip:port}, else the one on the wildcard address of the same family ({@code 0.0.0.0:port}
 * or {@code [::]:port}); with neither, the receiving listener keeps the connection and matches it
 * against its own filter chains. A listener that binds its port is never a target, so traffic
 * leaving the pod for some other host's port 15021 is not served by the local 15021 listener.
 * Immutable; a configuration update publishes a new one ({@link ListenerBinder#publish}), and
 * connections accepted from then on use it.
 */
public final class ListenerHandoff {
    /** No listener: every connection is refused. */
    public static final ListenerHandoff NONE = new ListenerHandoff(Map.of(), Map.of(), Map.of(), Map.of());

    private final Map<String, ServingListener> byName;
    private final Map<InetSocketAddress, ServingListener> exact;
    private final Map<Integer, ServingListener> anyV4;
    private final Map<Integer, ServingListener> anyV6;

    private ListenerHandoff(Map<String, ServingListener> byName, Map<InetSocketAddress, ServingListener> exact,
                            Map<Integer, ServingListener> anyV4, Map<Integer, ServingListener> anyV6) {
        this.byName = byName;
        this.exact = exact;
        this.anyV4 = anyV4;
        this.anyV6 = anyV6;
    }

    /**
     * All of {@code listeners} by name; the handoff targets among them are those with
     * {@code bind_to_port: false}, and the first listener on an address wins.
     */
    public static ListenerHandoff of(List<ListenerRuntime> listeners) {
        return of(listeners, name -> null);
    }

    /**
     * Like {@link #of(List)}, with the group that tracks each listener's connections, by listener
     * name ({@code null} for none): a connection joins the group of the listener that serves it.
     */
    public static ListenerHandoff of(List<ListenerRuntime> listeners, Function<String, ChannelGroup> connections) {
        Map<String, ServingListener> byName = new HashMap<>();
        Map<InetSocketAddress, ServingListener> exact = new HashMap<>();
        Map<Integer, ServingListener> anyV4 = new HashMap<>();
        Map<Integer, ServingListener> anyV6 = new HashMap<>();
        for (ListenerRuntime l : listeners) {
            // One per listener, shared as accepting listener and as target: one close listener each.
            ServingListener t = new ServingListener(l, connections.apply(l.name()));
            byName.putIfAbsent(l.name(), t);
            if (l.spec().bindToPort()) {
                continue;
            }
            InetAddress ip = InetAddress.ofLiteral(l.spec().address().address());
            int port = l.spec().address().port();
            if (ip.isAnyLocalAddress()) {
                (ip instanceof Inet4Address ? anyV4 : anyV6).putIfAbsent(port, t);
            } else {
                exact.putIfAbsent(new InetSocketAddress(ip, port), t);
            }
        }
        return new ListenerHandoff(Map.copyOf(byName), Map.copyOf(exact), Map.copyOf(anyV4), Map.copyOf(anyV6));
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

    /** The listener with this name in this configuration, or {@code null} (removed by an update). */
    ServingListener named(String name) {
        return byName.get(name);
    }
}
