package io.outrigger.proxy.testing;

import io.outrigger.proxy.cluster.LbFactories;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.server.ServerOptions;
import io.outrigger.proxy.transport.Transport;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Random;

/** Starts a real {@link ProxyServer} in the test JVM with a seeded random and two event loops. */
public final class InProcessProxy {
    private InProcessProxy() {
    }

    /** Default options for tests: 2 loops (like CI), seeded randomness, Envoy's LB defaults. */
    public static ServerOptions options(long seed) {
        Random random = new Random(seed);
        return ServerOptions.defaults(LbFactories.envoyDefaults(random, Clock.systemUTC()))
                .withConcurrency(2).withRandom(random);
    }

    public static ProxyServer start(ConfigSnapshot snapshot) throws Exception {
        return start(snapshot, options(42));
    }

    public static ProxyServer start(ConfigSnapshot snapshot, ServerOptions options) throws Exception {
        ProxyServer server = new ProxyServer(options, Transport.detect());
        server.start(snapshot, () -> "{\"configs\":[]}\n");
        return server;
    }

    public static InetSocketAddress listener(ProxyServer server, String name) {
        return server.listenerAddress(name);
    }
}
