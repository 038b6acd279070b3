package io.outrigger.xds.ads;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.outrigger.xds.config.ResourceDecoders;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import java.util.Objects;

/**
 * The decoders the ADS client uses, one per resource type. Route configurations and secrets are
 * optional: without a decoder their type is never subscribed, and a listener or cluster that needs
 * one warms until its {@code initial_fetch_timeout} passes.
 *
 * @param routes {@code null} when RDS is not supported
 * @param secrets {@code null} when SDS is not supported
 */
public record XdsDecoders(ResourceDecoder<Listener, ListenerSpec> listeners,
                          ResourceDecoder<Cluster, ClusterSpec> clusters,
                          ResourceDecoder<ClusterLoadAssignment, LoadAssignmentSpec> endpoints,
                          ResourceDecoder<RouteConfiguration, ?> routes,
                          ResourceDecoder<Secret, ?> secrets) {
    public XdsDecoders {
        Objects.requireNonNull(listeners, "listeners");
        Objects.requireNonNull(clusters, "clusters");
        Objects.requireNonNull(endpoints, "endpoints");
    }

    /** Listeners, clusters and endpoints only. */
    public XdsDecoders(ResourceDecoder<Listener, ListenerSpec> listeners,
                       ResourceDecoder<Cluster, ClusterSpec> clusters,
                       ResourceDecoder<ClusterLoadAssignment, LoadAssignmentSpec> endpoints) {
        this(listeners, clusters, endpoints, null, null);
    }

    /**
     * The production decoders of {@link io.outrigger.xds.config.ResourceDecoders}: the same validation as
     * the bootstrap's static resources, with problems attributed to source "xds". SDS secrets (requested
     * over ADS) are decoded into the snapshot's {@code secrets}.
     */
    public static XdsDecoders envoy() {
        return new XdsDecoders(
                l -> ResourceDecoders.listener(l, ResourceStore.SOURCE),
                c -> ResourceDecoders.cluster(c, ResourceStore.SOURCE),
                a -> ResourceDecoders.loadAssignment(a, ResourceStore.SOURCE),
                null,
                s -> ResourceDecoders.secret(s, ResourceStore.SOURCE));
    }

    /** The decoder for a type, or {@code null} when the type is not supported. */
    @SuppressWarnings("unchecked")
    ResourceDecoder<Message, ?> forType(XdsResourceType type) {
        ResourceDecoder<?, ?> d = switch (type) {
            case LISTENER -> listeners;
            case CLUSTER -> clusters;
            case CLUSTER_LOAD_ASSIGNMENT -> endpoints;
            case ROUTE_CONFIGURATION -> routes;
            case SECRET -> secrets;
        };
        return (ResourceDecoder<Message, ?>) d;
    }
}
