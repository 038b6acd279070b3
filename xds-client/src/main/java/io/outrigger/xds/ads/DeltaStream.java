package io.outrigger.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Incremental ADS ({@code DeltaAggregatedResources}): the first request of a type on a stream
 * carries the whole subscription and {@code initial_resource_versions}; later ones only the names
 * added and removed; ACKs and NACKs carry only the nonce (and the error).
 */
final class DeltaStream extends AdsStream {
    private final StreamObserver<DeltaDiscoveryRequest> requests;
    private final Observer<DeltaDiscoveryRequest, DeltaDiscoveryResponse> observer;

    DeltaStream(Channel channel, Executor xds, Events events, Node node, boolean nodeOnFirstMessageOnly) {
        super(node, nodeOnFirstMessageOnly);
        this.observer = new Observer<>(xds, events, this, events::onDeltaResponse);
        this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(observer);
    }

    @Override
    void subscribe(TypeState st) {
        DeltaDiscoveryRequest.Builder b = DeltaDiscoveryRequest.newBuilder().setTypeUrl(st.type.typeUrl());
        if (!st.requestedOnStream) {
            // Wildcard types subscribe with an empty list (legacy wildcard, understood by every server).
            if (!st.type.wildcard()) {
                b.addAllResourceNamesSubscribe(st.subscribed.keySet());
            }
            b.putAllInitialResourceVersions(st.heldVersions());
            st.sentSubscriptions.clear();
            st.sentSubscriptions.addAll(st.subscribed.keySet());
        } else {
            List<String> add = new ArrayList<>();
            for (String n : st.subscribed.keySet()) {
                if (st.sentSubscriptions.add(n)) {
                    add.add(n);
                }
            }
            List<String> remove = new ArrayList<>();
            st.sentSubscriptions.removeIf(n -> {
                if (!st.subscribed.containsKey(n)) {
                    remove.add(n);
                    return true;
                }
                return false;
            });
            if (add.isEmpty() && remove.isEmpty()) {
                return;
            }
            b.addAllResourceNamesSubscribe(add).addAllResourceNamesUnsubscribe(remove);
        }
        st.requestedOnStream = true;
        send(b);
    }

    @Override
    void acknowledge(TypeState st, String nonce, String errorDetail) {
        DeltaDiscoveryRequest.Builder b = DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(st.type.typeUrl())
                .setResponseNonce(nonce);
        if (errorDetail != null) {
            b.setErrorDetail(com.google.rpc.Status.newBuilder()
                    .setCode(io.grpc.Status.Code.INVALID_ARGUMENT.value())
                    .setMessage(errorDetail));
        }
        send(b);
    }

    private void send(DeltaDiscoveryRequest.Builder b) {
        Node n = nodeForNextRequest();
        if (n != null) {
            b.setNode(n);
        }
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
