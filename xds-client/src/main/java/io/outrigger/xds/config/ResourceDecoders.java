package io.outrigger.xds.config;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import java.util.Objects;

/**
 * The per-resource-type decoders, for resources that arrive one by one (xDS). The bootstrap's static
 * resources go through the same code. Field paths in problems are relative to the resource, e.g.
 * {@code filter_chains[0].filters[0].typed_config.cluster}. Only checks within one resource happen
 * here; references between resources (a tcp_proxy's cluster) are the caller's to resolve.
 */
public final class ResourceDecoders {
    private ResourceDecoders() {
    }

    /**
     * @param source where the resource came from, for messages ("xds", a server address, a file)
     * @throws ConfigException listing every problem, each naming the resource and field
     */
    public static ListenerSpec listener(Listener listener, String source) throws ConfigException {
        Problems problems = new Problems(Objects.requireNonNull(source, "source"), "Listener");
        if (listener.getName().isEmpty()) {
            problems.error("name", "missing (expected: a non-empty listener name, the xDS resource name)");
        }
        ListenerSpec spec = ListenerDecoder.decode(listener, "", problems);
        problems.throwIfAny();
        return spec;
    }

    /** See {@link #listener}. */
    public static ClusterSpec cluster(Cluster cluster, String source) throws ConfigException {
        Problems problems = new Problems(Objects.requireNonNull(source, "source"), "Cluster");
        ClusterSpec spec = ClusterDecoder.decode(cluster, "", problems);
        problems.throwIfAny();
        return spec;
    }

    /** An RDS resource: a route configuration. See {@link #listener}. */
    public static io.outrigger.xds.snapshot.RouteConfigSpec routeConfiguration(
            io.envoyproxy.envoy.config.route.v3.RouteConfiguration rc, String source) throws ConfigException {
        Problems problems = new Problems(Objects.requireNonNull(source, "source"), "RouteConfiguration");
        problems.enter("RouteConfiguration", rc.getName());
        if (rc.getName().isEmpty()) {
            problems.error("name", "missing (expected: a non-empty route configuration name, the xDS resource name)");
        }
        var spec = RouteConfigDecoder.decode(rc, "", problems);
        problems.throwIfAny();
        return spec;
    }

    /** An SDS resource ({@code tls.v3.Secret}): a TLS certificate or a validation context. See {@link #listener}. */
    public static io.outrigger.xds.snapshot.SecretSpec secret(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret secret,
                                                              String source) throws ConfigException {
        Problems problems = new Problems(Objects.requireNonNull(source, "source"), "Secret");
        io.outrigger.xds.snapshot.SecretSpec spec = TlsDecoder.secret(secret, "", problems);
        problems.throwIfAny();
        return spec;
    }

    /** An EDS resource: endpoint addresses must be IP literals, as in Envoy. See {@link #listener}. */
    public static LoadAssignmentSpec loadAssignment(ClusterLoadAssignment assignment, String source) throws ConfigException {
        Problems problems = new Problems(Objects.requireNonNull(source, "source"), "ClusterLoadAssignment");
        problems.enter("ClusterLoadAssignment", assignment.getClusterName());
        LoadAssignmentSpec spec = LoadAssignmentDecoder.decode(assignment, "", problems, Addresses.Form.IP_LITERAL,
                "an EDS endpoint");
        problems.throwIfAny();
        return spec;
    }
}
