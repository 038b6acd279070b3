package io.outrigger.xds.ads;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;

/**
 * The xDS resource types carried on the ADS stream, in the order Envoy's control planes push them
 * (CDS before EDS, LDS before RDS), with their v3 type URLs.
 */
public enum XdsResourceType {
    CLUSTER("type.googleapis.com/envoy.config.cluster.v3.Cluster", "Cluster", "cds", true, Cluster.class),
    CLUSTER_LOAD_ASSIGNMENT("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
            "ClusterLoadAssignment", "eds", false, ClusterLoadAssignment.class),
    LISTENER("type.googleapis.com/envoy.config.listener.v3.Listener", "Listener", "lds", true, Listener.class),
    ROUTE_CONFIGURATION("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "RouteConfiguration",
            "rds", false, RouteConfiguration.class),
    SECRET("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", "Secret", "sds", false,
            Secret.class);

    private final String typeUrl;
    private final String protoName;
    private final String shortName;
    private final boolean wildcard;
    private final Class<? extends Message> protoClass;

    XdsResourceType(String typeUrl, String protoName, String shortName, boolean wildcard,
                    Class<? extends Message> protoClass) {
        this.typeUrl = typeUrl;
        this.protoName = protoName;
        this.shortName = shortName;
        this.wildcard = wildcard;
        this.protoClass = protoClass;
    }

    /** E.g. {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}. */
    public String typeUrl() {
        return typeUrl;
    }

    /** The proto message's simple name, as {@link io.outrigger.xds.config.ConfigProblem#resourceType()} uses it. */
    public String protoName() {
        return protoName;
    }

    /** "lds", "rds", "cds", "eds" or "sds", as in Envoy's stat names. */
    public String shortName() {
        return shortName;
    }

    /**
     * True for LDS and CDS: subscribed with a wildcard, and a state-of-the-world response lists every
     * resource, so a resource missing from it was removed.
     */
    public boolean wildcard() {
        return wildcard;
    }

    Class<? extends Message> protoClass() {
        return protoClass;
    }

    /**
     * Parses a resource of this type from an {@code Any}'s bytes. Unlike {@code Any.unpack}, which
     * caches the parsed message inside the {@code Any}, this leaves the {@code Any} as small as its
     * bytes: the client keeps every accepted {@code Any} for the config dump.
     */
    Message parse(com.google.protobuf.ByteString bytes) throws com.google.protobuf.InvalidProtocolBufferException {
        return com.google.protobuf.Internal.getDefaultInstance(protoClass).getParserForType().parseFrom(bytes);
    }

    /** The type with this type URL, or {@code null}. */
    public static XdsResourceType fromTypeUrl(String typeUrl) {
        for (XdsResourceType t : values()) {
            if (t.typeUrl.equals(typeUrl)) {
                return t;
            }
        }
        return null;
    }

    /** The name of a resource of this type: {@code cluster_name} for an assignment, else {@code name}. */
    String nameOf(Message resource) {
        return switch (resource) {
            case Cluster c -> c.getName();
            case ClusterLoadAssignment a -> a.getClusterName();
            case Listener l -> l.getName();
            case RouteConfiguration r -> r.getName();
            case Secret s -> s.getName();
            default -> throw new IllegalArgumentException(
                    "resource: " + resource.getDescriptorForType().getFullName() + " (expected: " + protoName + ")");
        };
    }
}
