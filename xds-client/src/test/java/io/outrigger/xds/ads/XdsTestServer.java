package io.outrigger.xds.ads;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real java-control-plane xDS server (ADS, state of the world and delta) on a loopback port,
 * recording every request it receives and every response it sends.
 */
final class XdsTestServer implements AutoCloseable {
    final SimpleCache<String> cache = new SimpleCache<>(node -> node.getId());
    final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
    final List<DeltaDiscoveryRequest> deltaRequests = new CopyOnWriteArrayList<>();
    final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
    final List<DeltaDiscoveryResponse> deltaResponses = new CopyOnWriteArrayList<>();
    private final V3DiscoveryServer discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
        @Override
        public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
            requests.add(request);
        }

        @Override
        public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
            deltaRequests.add(request);
        }

        @Override
        public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
            responses.add(response);
        }

        @Override
        public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request,
                                            DeltaDiscoveryResponse response) {
            deltaResponses.add(response);
        }
    }, cache);
    private Server server;
    private int port;

    /** Starts on an ephemeral loopback port. */
    XdsTestServer start() throws IOException {
        return start(0);
    }

    XdsTestServer start(int port) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .addService(discovery.getAggregatedDiscoveryServiceImpl())
                .build()
                .start();
        this.port = server.getPort();
        return this;
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
