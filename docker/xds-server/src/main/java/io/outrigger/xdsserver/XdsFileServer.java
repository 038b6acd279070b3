package io.outrigger.xdsserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * An xDS server (ADS, state of the world and delta, Envoy v3) for the Kubernetes example: it serves
 * the {@code clusters}, {@code endpoints} (ClusterLoadAssignments), {@code listeners} and
 * {@code routes} of one YAML file, written in Envoy's proto-JSON field names, to every node, and
 * serves a new version whenever the file's content changes (a ConfigMap update swaps the file).
 *
 * <p>Usage: {@code java -jar xds-file-server.jar RESOURCES.yaml [PORT]} (port 18000 by default).
 * A resource that does not parse stops the server at start, and is logged and skipped on reload
 * (the last good version stays served).
 */
public final class XdsFileServer {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(JsonFormat.TypeRegistry
            .newBuilder()
            .add(List.of(TcpProxy.getDescriptor(), OriginalDst.getDescriptor(), TlsInspector.getDescriptor(),
                    HttpConnectionManager.getDescriptor(), Router.getDescriptor(),
                    DownstreamTlsContext.getDescriptor(), UpstreamTlsContext.getDescriptor()))
            .build());
    /** Every node gets the same resources: the group is constant. */
    private static final String GROUP = "mesh";

    private XdsFileServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: xds-file-server RESOURCES.yaml [PORT]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int port = args.length == 2 ? Integer.parseInt(args[1]) : 18000;
        SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
        String version = digest(Files.readAllBytes(file));
        cache.setSnapshot(GROUP, load(file, version));
        V3DiscoveryServer discovery = new V3DiscoveryServer(cache);
        Server server = NettyServerBuilder.forPort(port)
                .addService(discovery.getAggregatedDiscoveryServiceImpl())
                .build().start();
        System.out.println("xds-file-server: serving " + file + " version " + version + " on port " + port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
        while (!Thread.currentThread().isInterrupted()) {
            Thread.sleep(2000);
            try {
                String next = digest(Files.readAllBytes(file));
                if (!next.equals(version)) {
                    cache.setSnapshot(GROUP, load(file, next));
                    version = next;
                    System.out.println("xds-file-server: serving version " + version);
                }
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("xds-file-server: " + file + ": " + e.getMessage() + " (keeping version " + version + ")");
            }
        }
    }

    static Snapshot load(Path file, String version) throws IOException {
        JsonNode root = YAML.readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a mapping with clusters, endpoints, listeners, routes");
        }
        return Snapshot.create(
                parse(root, "clusters", Cluster::newBuilder),
                parse(root, "endpoints", ClusterLoadAssignment::newBuilder),
                parse(root, "listeners", Listener::newBuilder),
                parse(root, "routes", RouteConfiguration::newBuilder),
                List.of(), version);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> List<T> parse(JsonNode root, String field, Supplier<? extends Message.Builder> builder)
            throws IOException {
        List<T> out = new ArrayList<>();
        int i = 0;
        for (JsonNode resource : root.path(field)) {
            Message.Builder b = builder.get();
            try {
                PARSER.merge(JSON.writeValueAsString(resource), b);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException(field + "[" + i + "]: " + e.getMessage(), e);
            }
            out.add((T) b.build());
            i++;
        }
        return out;
    }

    private static String digest(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
