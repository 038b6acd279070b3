package io.outrigger.xds.ads;

import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.outrigger.xds.snapshot.AdminSpec;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.NodeInfo;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/** A client under test against a {@link XdsTestServer}, recording what it publishes. */
final class AdsHarness implements AutoCloseable {
    /** Which ADS variant a parameterized test runs. */
    enum Mode {
        SOTW, DELTA;

        boolean delta() {
            return this == DELTA;
        }
    }

    static final String NODE_ID = "sidecar~10.1.2.3~reviews-v1-5d8f.default~default.svc.cluster.local";
    static final Node NODE = Node.newBuilder()
            .setId(NODE_ID)
            .setCluster("reviews.default")
            .setLocality(Locality.newBuilder().setRegion("eu-west1").setZone("eu-west1-b"))
            .setMetadata(com.google.protobuf.Struct.newBuilder().putFields("ISTIO_VERSION",
                    com.google.protobuf.Value.newBuilder().setStringValue("1.24.0").build()))
            .build();
    /** The bootstrap's static part: the xDS server cluster itself. */
    static final ConfigSnapshot STATICS = new ConfigSnapshot(
            new NodeInfo(NODE_ID, "reviews.default", new LocalitySpec("eu-west1", "eu-west1-b", ""), Map.of()),
            AdminSpec.DEFAULT, List.of(),
            List.of(new ClusterSpec("xds_cluster", ClusterSpec.DiscoveryType.STATIC, Duration.ofSeconds(1),
                    ClusterSpec.LbPolicyName.ROUND_ROBIN, new LoadAssignmentSpec("xds_cluster",
                    List.of(new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 0, List.of(new EndpointSpec(
                            new SocketAddressSpec("127.0.0.1", 18000), 1, EndpointSpec.Health.UNKNOWN, Map.of())))),
                    140))),
            "static", "bootstrap.yaml");

    final Mode mode;
    final XdsTestServer server;
    final List<ConfigSnapshot> published = new CopyOnWriteArrayList<>();
    final AdsClient client;

    AdsHarness(Mode mode, XdsTestServer server, XdsDecoders decoders, UnaryOperator<AdsConfig> tweak,
               java.util.function.Consumer<ConfigSnapshot> also) {
        this.mode = mode;
        this.server = server;
        AdsConfig config = tweak.apply(AdsConfig.of(mode.delta(), "xds_cluster",
                        new SocketAddressSpec("127.0.0.1", server.port()))
                .withRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(400)));
        this.client = AdsClient.builder(config, STATICS, decoders)
                .node(NODE)
                .random(RandomGenerator.of("L64X128MixRandom"))
                .listener(s -> {
                    published.add(s);
                    also.accept(s);
                })
                .build();
    }

    AdsHarness(Mode mode, XdsTestServer server) {
        this(mode, server, TestDecoders.decoders(), c -> c, s -> { });
    }

    AdsHarness start() {
        client.start();
        return this;
    }

    ConfigSnapshot awaitReady() throws Exception {
        return client.ready().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    ConfigSnapshot awaitSnapshot(java.util.function.Predicate<ConfigSnapshot> p) {
        await().atMost(Duration.ofSeconds(30)).until(() -> client.current() != null && p.test(client.current()));
        return client.current();
    }

    /** Addresses of a published cluster's endpoints, or {@code null} if the cluster is not published. */
    static List<String> endpoints(ConfigSnapshot s, String cluster) {
        ClusterSpec c = s.cluster(cluster);
        if (c == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (LocalityEndpointsSpec l : c.loadAssignment().localities()) {
            for (EndpointSpec e : l.endpoints()) {
                out.add(e.address().toString());
            }
        }
        return out;
    }

    static List<String> clusterNames(ConfigSnapshot s) {
        return s.clusters().stream().map(ClusterSpec::name).toList();
    }

    /** Requests of a type, in the order the server received them (either variant), as a common view. */
    List<Req> requests(XdsResourceType type) {
        return requests(server, type);
    }

    /** The same, as received by another server (one restarted on the same port). */
    List<Req> requests(XdsTestServer server, XdsResourceType type) {
        List<Req> out = new ArrayList<>();
        if (mode.delta()) {
            for (DeltaDiscoveryRequest r : server.deltaRequests) {
                if (r.getTypeUrl().equals(type.typeUrl())) {
                    out.add(new Req(r.getResponseNonce(), "", r.hasErrorDetail() ? r.getErrorDetail().getMessage() : null,
                            r.getResourceNamesSubscribeList(), r.getResourceNamesUnsubscribeList(),
                            r.getInitialResourceVersionsMap(), r.hasNode() ? r.getNode() : null));
                }
            }
        } else {
            for (DiscoveryRequest r : server.requests) {
                if (r.getTypeUrl().equals(type.typeUrl())) {
                    out.add(new Req(r.getResponseNonce(), r.getVersionInfo(),
                            r.hasErrorDetail() ? r.getErrorDetail().getMessage() : null, r.getResourceNamesList(),
                            List.of(), Map.of(), r.hasNode() ? r.getNode() : null));
                }
            }
        }
        return out;
    }

    /** Nonces of the responses of a type the server sent, in order. */
    List<String> responseNonces(XdsResourceType type) {
        List<String> out = new ArrayList<>();
        if (mode.delta()) {
            server.deltaResponses.stream().filter(r -> r.getTypeUrl().equals(type.typeUrl()))
                    .forEach(r -> out.add(r.getNonce()));
        } else {
            server.responses.stream().filter(r -> r.getTypeUrl().equals(type.typeUrl()))
                    .forEach(r -> out.add(r.getNonce()));
        }
        return out;
    }

    /**
     * A request as the server saw it.
     *
     * @param names SotW resource_names, or delta resource_names_subscribe
     */
    record Req(String nonce, String version, String errorDetail, List<String> names, List<String> unsubscribed,
               Map<String, String> initialVersions, Node node) {
    }

    @Override
    public void close() {
        client.close();
    }
}
