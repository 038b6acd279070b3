package io.outrigger.proxy.listener;

import io.netty.channel.ChannelFutureListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every listener of a configuration by address, for {@code use_original_dst}: a redirected
 * connection is handed to the listener whose address is its original destination, first by
 * exact {@code ip:port}, then by a wildcard address ({@code 0.0.0.0} or {@code ::}) on that port,
 * as Envoy does; with none, the accepting listener keeps it. Immutable: a configuration update
 * publishes a new table, and connections accepted from then on use it.
 */
public final class ListenerTable {
    /** A listener and its connection-close counter (one per listener, so closing allocates nothing). */
    record Entry(ListenerRuntime runtime, ChannelFutureListener onClose) {
    }

    private final Map<String, Entry> byName = new HashMap<>();
    private final Map<InetSocketAddress, Entry> exact = new HashMap<>();
    private final Map<Integer, Entry> wildcard = new HashMap<>();

    public ListenerTable(List<ListenerRuntime> listeners) {
        for (ListenerRuntime l : listeners) {
            Entry e = new Entry(l, f -> {
                l.stats().downstreamCxActive().decrement();
                l.stats().downstreamCxDestroy().increment();
            });
            byName.put(l.name(), e);
            InetAddress ip = InetAddress.ofLiteral(l.spec().address().address());
            if (ip.isAnyLocalAddress()) {
                wildcard.putIfAbsent(l.spec().address().port(), e);
            } else {
                exact.putIfAbsent(new InetSocketAddress(ip, l.spec().address().port()), e);
            }
        }
    }

    /** The listener with this name in this version of the configuration, or {@code null}. */
    Entry named(String name) {
        return byName.get(name);
    }

    /** The listener that owns connections to {@code destination}, or {@code null}. */
    Entry owner(InetSocketAddress destination) {
        Entry e = exact.get(destination);
        return e != null ? e : wildcard.get(destination.getPort());
    }
}
