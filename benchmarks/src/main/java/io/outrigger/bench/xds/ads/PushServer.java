package io.outrigger.bench.xds.ads;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal state-of-the-world ADS server for measurements: it answers the first request of each
 * type with the response staged for it and pushes later responses when told, keeping nothing
 * else, so that the heap measured in the same JVM is the client's.
 */
final class PushServer extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase
        implements AutoCloseable {
    private final Map<String, DiscoveryResponse> staged = new ConcurrentHashMap<>();
    private final AtomicLong nonces = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private volatile StreamObserver<DiscoveryResponse> out;
    private Server server;

    PushServer start() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(this)
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .build()
                .start();
        return this;
    }

    int port() {
        return server.getPort();
    }

    /** ACKs and NACKs received so far. */
    long answers() {
        return acks.get();
    }

    @Override
    public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
        out = responses;
        return new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryRequest request) {
                if (!request.getResponseNonce().isEmpty()) {
                    acks.incrementAndGet();
                    return;
                }
                DiscoveryResponse r = staged.get(request.getTypeUrl());
                if (r != null) {
                    send(r);
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }

    /** Sets the response a first request of its type gets. */
    void stage(DiscoveryResponse r) {
        staged.put(r.getTypeUrl(), r);
    }

    /** Forgets staged responses, so that they do not count in the heap. */
    void unstage() {
        staged.clear();
    }

    /** Pushes a response on the open stream. */
    synchronized void send(DiscoveryResponse r) {
        out.onNext(r.toBuilder().setNonce(Long.toString(nonces.incrementAndGet())).build());
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
    }
}
