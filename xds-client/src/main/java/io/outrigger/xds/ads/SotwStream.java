package io.outrigger.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/**
 * State-of-the-world ADS ({@code StreamAggregatedResources}): every request of a type repeats the
 * whole subscription, the last accepted {@code version_info} and the nonce of the last response.
 */
final class SotwStream extends AdsStream {
    private final StreamObserver<DiscoveryRequest> requests;
    private final Observer<DiscoveryRequest, DiscoveryResponse> observer;

    SotwStream(Channel channel, Executor xds, Events events, Node node, boolean nodeOnFirstMessageOnly) {
        super(node, nodeOnFirstMessageOnly);
        this.observer = new Observer<>(xds, events, this, events::onSotwResponse);
        this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(observer);
    }

    @Override
    void subscribe(TypeState st) {
        send(st, st.nonce, null);
    }

    @Override
    void acknowledge(TypeState st, String nonce, String errorDetail) {
        send(st, nonce, errorDetail);
    }

    private void send(TypeState st, String nonce, String errorDetail) {
        DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder()
                .setTypeUrl(st.type.typeUrl())
                .setVersionInfo(st.versionInfo)
                .setResponseNonce(nonce);
        if (!st.type.wildcard()) {
            b.addAllResourceNames(st.subscribed.keySet());
        }
        Node n = nodeForNextRequest();
        if (n != null) {
            b.setNode(n);
        }
        if (errorDetail != null) {
            b.setErrorDetail(com.google.rpc.Status.newBuilder()
                    .setCode(io.grpc.Status.Code.INVALID_ARGUMENT.value())
                    .setMessage(errorDetail));
        }
        st.requestedOnStream = true;
        requests.onNext(b.build());
    }

    @Override
    void cancel() {
        var call = observer.call;
        if (call != null) {
            call.cancel("ADS client closed", null);
        }
    }
}
