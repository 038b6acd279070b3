package io.outrigger.proxy.listener;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.group.ChannelGroup;
import java.util.Objects;

/**
 * A listener as a destination for accepted connections: its runtime, what it does with a new
 * connection's destination (read once from the spec), and the one close listener that keeps its
 * connection gauges, shared by all its connections so that accepting or closing a connection
 * allocates nothing here; and the group of its open connections, so that a listener removed by an
 * update can close what is left at the end of its drain.
 */
final class ServingListener {
    private final ListenerRuntime runtime;
    private final ChannelFutureListener onClose;
    private final boolean restoresOriginalDst;
    private final boolean handsOff;
    private final boolean transparent;
    private final boolean inspectsTls;
    private final ChannelGroup connections;

    /** @param connections the listener's open connections, or {@code null} when nobody needs them */
    ServingListener(ListenerRuntime runtime, ChannelGroup connections) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.connections = connections;
        this.onClose = f -> {
            runtime.stats().downstreamCxActive().decrement();
            runtime.stats().downstreamCxDestroy().increment();
        };
        this.restoresOriginalDst = runtime.spec().restoresOriginalDst();
        this.handsOff = runtime.spec().useOriginalDst();
        this.transparent = runtime.spec().transparent();
        this.inspectsTls = runtime.tlsInspector();
    }

    ListenerRuntime runtime() {
        return runtime;
    }

    ChannelFutureListener onClose() {
        return onClose;
    }

    /** The group that tracks this listener's open connections, or {@code null}. */
    ChannelGroup connections() {
        return connections;
    }

    /** {@code original_dst} listener filter, or implied by {@code use_original_dst}. */
    boolean restoresOriginalDst() {
        return restoresOriginalDst;
    }

    /** {@code use_original_dst}: hands connections over to the listener of their original destination. */
    boolean handsOff() {
        return handsOff;
    }

    /** {@code tls_inspector} listener filter: the chain is chosen once the first bytes tell TLS (SNI, ALPN) from plaintext. */
    boolean inspectsTls() {
        return inspectsTls;
    }

    /** {@code transparent}: TPROXY delivers connections with their original destination as local address. */
    boolean transparent() {
        return transparent;
    }
}
