package io.outrigger.proxy.listener;

import java.util.List;
import java.util.Objects;

/**
 * The listener table in force, published by reference swap: the control side ({@code outrigger-xds})
 * writes a new table per configuration update, event loops read it once per accepted connection
 * with a volatile read and no lock.
 */
public final class LiveListeners {
    private volatile ListenerTable table = new ListenerTable(List.of());

    /** The table in force. */
    public ListenerTable table() {
        return table;
    }

    /** Publishes {@code next}; connections accepted from now on use it, open ones keep what they had. */
    public void publish(ListenerTable next) {
        table = Objects.requireNonNull(next, "next");
    }
}
