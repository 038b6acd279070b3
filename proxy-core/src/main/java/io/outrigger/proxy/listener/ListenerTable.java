package io.outrigger.proxy.listener;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.group.ChannelGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Every listener of a configuration by address, for {@code use_original_dst}: a redirected
 * connection is handed to the listener whose address is its original destination, first by
 * exact {@code ip:port}, then by a wildcard address ({@code 0.0.0.0} or {@code ::}) on that port,
 * as Envoy does; with none, the accepting listener keeps it. Immutable: a configuration update
 * publishes a new table (see {@link LiveListeners}).
 */
public final class ListenerTable {
    /**
     * A listener and its connection-close counter (one per listener, so closing allocates nothing).
     *
     * @param connections the listener's open connections, so that a removed listener can close what
     *                    is left at the end of its drain; {@code null} when nobody needs them
     */
    record Entry(ListenerRuntime runtime, ChannelFutureListener onClose, ChannelGroup connections) {
    }

    private final Map<ListenerRuntime, Entry> byRuntime = new IdentityHashMap<>();
    private final Map<InetSocketAddress, Entry> exact = new HashMap<>();
    private final Map<Integer, Entry> wildcard = new HashMap<>();
    private final Map<String, Entry> byName = new HashMap<>();

    public ListenerTable(List<ListenerRuntime> listeners) {
        this(listeners, name -> null);
    }

    /**
     * @param connections the group that tracks each listener's connections, by listener name
     *                    ({@code null} for none)
     */
    public ListenerTable(List<ListenerRuntime> listeners, Function<String, ChannelGroup> connections) {
        for (ListenerRuntime l : listeners) {
            Entry e = new Entry(l, f -> {
                l.stats().downstreamCxActive().decrement();
                l.stats().downstreamCxDestroy().increment();
            }, connections.apply(l.name()));
            byRuntime.put(l, e);
            byName.putIfAbsent(l.name(), e);
            InetAddress ip = InetAddress.ofLiteral(l.spec().address().address());
            if (ip.isAnyLocalAddress()) {
                wildcard.putIfAbsent(l.spec().address().port(), e);
            } else {
                exact.putIfAbsent(new InetSocketAddress(ip, l.spec().address().port()), e);
            }
        }
    }

    Entry entry(ListenerRuntime listener) {
        return Objects.requireNonNull(byRuntime.get(listener), "listener not in this table");
    }

    /** The listener named {@code name}, or {@code null}. */
    Entry entry(String name) {
        return byName.get(name);
    }

    /** The listener that owns connections to {@code destination}, or {@code null}. */
    Entry owner(InetSocketAddress destination) {
        Entry e = exact.get(destination);
        return e != null ? e : wildcard.get(destination.getPort());
    }
}
