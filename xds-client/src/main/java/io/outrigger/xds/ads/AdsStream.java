package io.outrigger.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * One ADS call: state of the world or delta. Requests are written on the xDS thread only; gRPC's
 * callbacks are handed to the xDS thread through {@code xds}, so all protocol state stays confined
 * to it.
 */
abstract sealed class AdsStream permits SotwStream, DeltaStream {
    /** What the client hears from a stream, always on the xDS thread. */
    interface Events {
        void onSotwResponse(AdsStream stream, io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse response);

        void onDeltaResponse(AdsStream stream,
                             io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse response);

        void onClosed(AdsStream stream, Status status);
    }

    final Node node;
    final boolean nodeOnFirstMessageOnly;
    private boolean nodeSent;

    AdsStream(Node node, boolean nodeOnFirstMessageOnly) {
        this.node = Objects.requireNonNull(node, "node");
        this.nodeOnFirstMessageOnly = nodeOnFirstMessageOnly;
    }

    /** The node for the next request, or {@code null} to leave it out. */
    final Node nodeForNextRequest() {
        if (nodeOnFirstMessageOnly && nodeSent) {
            return null;
        }
        nodeSent = true;
        return node;
    }

    /** Sends the type's current subscription: first request on this stream, or a change of names. */
    abstract void subscribe(TypeState st);

    /** ACKs ({@code errorDetail == null}) or NACKs the response with this nonce. */
    abstract void acknowledge(TypeState st, String nonce, String errorDetail);

    /** Cancels the call; no further events are delivered for it. */
    abstract void cancel();

    /** Adapts gRPC's observer to {@link Events} on the xDS thread. */
    static final class Observer<Q, R> implements ClientResponseObserver<Q, R> {
        private final Executor xds;
        private final Events events;
        private final AdsStream stream;
        private final java.util.function.BiConsumer<AdsStream, R> onResponse;
        volatile ClientCallStreamObserver<Q> call;

        Observer(Executor xds, Events events, AdsStream stream, java.util.function.BiConsumer<AdsStream, R> onResponse) {
            this.xds = xds;
            this.events = events;
            this.stream = stream;
            this.onResponse = onResponse;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
            this.call = requestStream;
        }

        @Override
        public void onNext(R value) {
            xds.execute(() -> onResponse.accept(stream, value));
        }

        @Override
        public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            xds.execute(() -> events.onClosed(stream, s));
        }

        @Override
        public void onCompleted() {
            xds.execute(() -> events.onClosed(stream, Status.UNAVAILABLE.withDescription("server closed the stream")));
        }
    }
}
