package io.outrigger.proxy.tcp;

import io.netty.channel.socket.SocketChannel;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * What every TCP session of a server shares: the upstream channel class, the randomness used for
 * weighted clusters and load-balancer hashes, the clock for idle timeouts, and the registry of
 * open sessions (for drain). Injected so tests control time and randomness.
 *
 * @param random must be safe to call from every event loop
 * @param nanoClock monotonic nanoseconds, like {@link System#nanoTime}
 */
public record TcpProxyContext(Class<? extends SocketChannel> socketChannelClass, RandomGenerator random,
                              LongSupplier nanoClock, SessionRegistry sessions) {
    public TcpProxyContext {
        Objects.requireNonNull(socketChannelClass, "socketChannelClass");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(nanoClock, "nanoClock");
        Objects.requireNonNull(sessions, "sessions");
    }
}
