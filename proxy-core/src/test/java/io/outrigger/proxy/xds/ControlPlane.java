package io.outrigger.proxy.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real java-control-plane ADS server (state of the world and delta) on a loopback port. The
 * cache outlives {@link #stop}/{@link #restart}, as a control plane's state does across a crash of
 * its gRPC server.
 */
final class ControlPlane implements AutoCloseable {
    final SimpleCache<String> cache = new SimpleCache<>(node -> node.getId());
    final List<String> nacks = new CopyOnWriteArrayList<>();
    private final V3DiscoveryServer discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
        @Override
        public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
            if (request.hasErrorDetail()) {
                nacks.add(request.getErrorDetail().getMessage());
            }
        }

        @Override
        public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
            if (request.hasErrorDetail()) {
                nacks.add(request.getErrorDetail().getMessage());
            }
        }
    }, cache);
    private Server server;
    private int port;

    /** Starts on an ephemeral loopback port. */
    ControlPlane start() throws IOException {
        bind(0);
        return this;
    }

    /** Starts again on the port it had, after {@link #stop}. */
    void restart() throws IOException {
        bind(port);
    }

    private void bind(int p) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))
                .addService(discovery.getAggregatedDiscoveryServiceImpl())
                .build()
                .start();
        port = server.getPort();
    }

    int port() {
        return port;
    }

    void set(String nodeId, Snapshot snapshot) {
        cache.setSnapshot(nodeId, snapshot);
    }

    /** Stops the server, cutting open streams, as a control plane crash would. */
    void stop() throws InterruptedException {
        if (server != null) {
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
            server = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
