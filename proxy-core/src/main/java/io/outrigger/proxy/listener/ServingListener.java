package io.outrigger.proxy.listener;

import io.netty.channel.ChannelFutureListener;
import java.util.Objects;

/**
 * A listener as a destination for accepted connections: its runtime and the one close listener
 * that keeps its connection gauges, shared by all its connections so that accepting or closing
 * a connection allocates nothing here.
 */
final class ServingListener {
    private final ListenerRuntime runtime;
    private final ChannelFutureListener onClose;

    ServingListener(ListenerRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.onClose = f -> {
            runtime.stats().downstreamCxActive().decrement();
            runtime.stats().downstreamCxDestroy().increment();
        };
    }

    ListenerRuntime runtime() {
        return runtime;
    }

    ChannelFutureListener onClose() {
        return onClose;
    }
}
