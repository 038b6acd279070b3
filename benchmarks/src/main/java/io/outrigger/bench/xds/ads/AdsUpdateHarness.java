package io.outrigger.bench.xds.ads;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.outrigger.xds.ads.AdsClient;
import io.outrigger.xds.ads.AdsConfig;
import io.outrigger.xds.ads.XdsDecoders;
import io.outrigger.xds.ads.XdsResourceType;
import io.outrigger.xds.snapshot.AdminSpec;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.NodeInfo;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Measures the ADS client at Istio-mesh scale over real gRPC on loopback: the heap retained per
 * cluster and per endpoint, and the time from an EDS response arriving to the snapshot being
 * published, for a 10,000-endpoint update (1,000 clusters of 10, and one cluster of 10,000).
 *
 * <p>Wall-clock figures include waiting for a core on a loaded machine; the xDS thread's CPU time
 * is what the work itself costs.
 *
 * <p>Run: {@code java -cp <benchmarks classpath> io.outrigger.bench.xds.ads.AdsUpdateHarness [rounds]}.
 * Goals (issue 6): at most 20 ms per 10,000-endpoint EDS update, 4 KB per cluster, 300 B per endpoint.
 */
public final class AdsUpdateHarness {
    private static final int CLUSTERS = 1000;
    private static final int ENDPOINTS_PER_CLUSTER = 10;
    private static final String CDS = XdsResourceType.CLUSTER.typeUrl();
    private static final String EDS = XdsResourceType.CLUSTER_LOAD_ASSIGNMENT.typeUrl();

    private record Published(ConfigSnapshot snapshot, long nanos) {
    }

    private AdsUpdateHarness() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        LinkedBlockingQueue<Published> published = new LinkedBlockingQueue<>();
        try (PushServer server = new PushServer().start()) {
            AdsConfig config = new AdsConfig(false, "xds", "dns:///127.0.0.1:" + server.port(), false, true,
                    java.time.Duration.ZERO, java.time.Duration.ZERO, false, java.time.Duration.ofMillis(100),
                    java.time.Duration.ofSeconds(1), Integer.MAX_VALUE);
            ConfigSnapshot statics = new ConfigSnapshot(new NodeInfo("bench", "bench", LocalitySpec.EMPTY, Map.of()),
                    AdminSpec.DEFAULT, List.of(), List.of(), "static", "bench");
            server.stage(response(CDS, "0", List.of()));
            AdsClient client = AdsClient.builder(config, statics, XdsDecoders.envoy())
                    .node(Node.newBuilder().setId("bench").build())
                    .listener(s -> published.add(new Published(s, System.nanoTime())))
                    .build();
            client.start();
            client.ready().get(60, TimeUnit.SECONDS);
            // One cluster in and out first, so that one-time costs (classes, proto descriptors) are not
            // counted per cluster.
            server.stage(response(EDS, "w", List.of(Any.pack(assignment("warmup", 1, 8080)))));
            server.send(response(CDS, "w1", List.of(Any.pack(cluster("warmup")))));
            await(published, s -> s.cluster("warmup") != null && endpointCount(s) == 1);
            server.send(response(CDS, "w2", List.of()));
            await(published, s -> s.cluster("warmup") == null);
            server.unstage();
            long h0 = heapAfterGc();

            List<Any> clusters = new ArrayList<>();
            List<Any> emptyAssignments = new ArrayList<>();
            for (int i = 0; i < CLUSTERS; i++) {
                clusters.add(Any.pack(cluster(name(i))));
                emptyAssignments.add(Any.pack(ClusterLoadAssignment.newBuilder().setClusterName(name(i)).build()));
            }
            // Responses on one stream are taken in order: the EDS one finds the subscriptions CDS created.
            server.send(response(CDS, "1", clusters));
            server.send(response(EDS, "1", emptyAssignments));
            await(published, s -> s.clusters().size() == CLUSTERS);
            clusters = null;
            emptyAssignments = null;
            if (client.stats().get(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT,
                    io.outrigger.xds.ads.AdsStats.Counter.INIT_FETCH_TIMEOUT) != 0) {
                throw new IllegalStateException("clusters warmed by timeout, not by their EDS response");
            }
            long h1 = heapAfterGc();

            server.send(response(EDS, "2", allAssignments(8080)));
            await(published, s -> endpointCount(s) == CLUSTERS * ENDPOINTS_PER_CLUSTER);
            long h2 = heapAfterGc();

            System.out.printf("heap: %,d B per cluster (1,000 EDS clusters, no endpoints), %,d B per endpoint"
                            + " (10,000 endpoints in 1,000 clusters)%n",
                    (h1 - h0) / CLUSTERS, (h2 - h1) / (CLUSTERS * ENDPOINTS_PER_CLUSTER));

            measure("EDS update, 1,000 clusters x 10 endpoints, all changed", rounds, server, client, published,
                    round -> response(EDS, "r" + round, allAssignments(9000 + round % 2)),
                    s -> endpointPort(s, name(CLUSTERS - 1)));
            measure("EDS update, 1 cluster x 10,000 endpoints, all changed", rounds, server, client, published,
                    round -> response(EDS, "s" + round, List.of(Any.pack(assignment(name(0), 10_000, 7000 + round % 2)))),
                    s -> endpointPort(s, name(0)));
            client.close();
        }
    }

    /** Sends {@code rounds} updates, waits for each to be published, prints percentiles after a warm-up third. */
    private static void measure(String what, int rounds, PushServer server, AdsClient client,
                                LinkedBlockingQueue<Published> published,
                                java.util.function.IntFunction<DiscoveryResponse> update,
                                java.util.function.ToIntFunction<ConfigSnapshot> port) throws Exception {
        int warmup = Math.max(1, rounds / 3);
        long[] e2e = new long[rounds - warmup];
        long[] onThread = new long[rounds - warmup];
        long[] cpu = new long[rounds - warmup];
        var threads = ManagementFactory.getThreadMXBean();
        long xdsThread = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("outrigger-xds"))
                .findFirst().orElseThrow().threadId();
        for (int round = 0; round < rounds; round++) {
            DiscoveryResponse r = update.apply(round);
            published.clear();
            long cpuBefore = threads.getThreadCpuTime(xdsThread);
            long sent = System.nanoTime();
            server.send(r);
            Published p = published.poll(60, TimeUnit.SECONDS);
            if (p == null) {
                throw new IllegalStateException(what + ": round " + round + " was not published within 60 s");
            }
            int expected = r.getResources(r.getResourcesCount() - 1).unpack(ClusterLoadAssignment.class)
                    .getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue();
            if (port.applyAsInt(p.snapshot()) != expected) {
                throw new IllegalStateException(what + ": round " + round + " published the wrong endpoints");
            }
            if (round >= warmup) {
                cpu[round - warmup] = threads.getThreadCpuTime(xdsThread) - cpuBefore;
                e2e[round - warmup] = p.nanos() - sent;
                onThread[round - warmup] = client.stats().lastUpdateDuration(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT)
                        .toNanos();
            }
        }
        System.out.printf("%s (%d rounds after %d warm-up):%n  on the xDS thread (decode, validate, assemble,"
                        + " publish), wall: %s%n  the same, CPU time of the xDS thread: %s%n"
                        + "  server send -> published (adds proto serialization, loopback, parsing), wall: %s%n",
                what, rounds - warmup, warmup, percentiles(onThread), percentiles(cpu), percentiles(e2e));
    }

    private static String percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("p50 %.2f ms, p90 %.2f ms, max %.2f ms", s[s.length / 2] / 1e6,
                s[(int) Math.min(s.length - 1, Math.round(s.length * 0.9))] / 1e6, s[s.length - 1] / 1e6);
    }

    private static int endpointPort(ConfigSnapshot s, String cluster) {
        if (s == null) {
            return Integer.MIN_VALUE;
        }
        ClusterSpec c = s.cluster(cluster);
        return c.loadAssignment().localities().getFirst().endpoints().getFirst().address().port();
    }

    private static long endpointCount(ConfigSnapshot s) {
        return s.clusters().stream().mapToLong(c -> c.loadAssignment().localities().stream()
                .mapToLong(l -> l.endpoints().size()).sum()).sum();
    }

    private static void await(LinkedBlockingQueue<Published> q, Predicate<ConfigSnapshot> p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Published next = q.poll(1, TimeUnit.SECONDS);
            if (next != null && p.test(next.snapshot())) {
                return;
            }
        }
        throw new IllegalStateException("expected snapshot not published within 120 s");
    }

    private static long heapAfterGc() throws InterruptedException {
        var mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static String name(int i) {
        return "outbound|8080||svc-" + i + ".ns.svc.cluster.local";
    }

    private static Cluster cluster(String name) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setConnectTimeout(Duration.newBuilder().setSeconds(10))
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName(name).setEdsConfig(
                        ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
                                .setResourceApiVersion(ApiVersion.V3)))
                .build();
    }

    private static List<Any> allAssignments(int port) {
        List<Any> l = new ArrayList<>(CLUSTERS);
        for (int i = 0; i < CLUSTERS; i++) {
            l.add(Any.pack(assignment(name(i), ENDPOINTS_PER_CLUSTER, port)));
        }
        return l;
    }

    private static ClusterLoadAssignment assignment(String cluster, int endpoints, int port) {
        LocalityLbEndpoints.Builder lle = LocalityLbEndpoints.newBuilder();
        int base = Math.abs(cluster.hashCode());
        for (int j = 0; j < endpoints; j++) {
            int ip = base + j;
            lle.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
                    Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                            .setAddress("10." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255))
                            .setPortValue(port)))));
        }
        return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(lle).build();
    }

    private static DiscoveryResponse response(String typeUrl, String version, List<Any> resources) {
        return DiscoveryResponse.newBuilder().setTypeUrl(typeUrl).setVersionInfo(version).addAllResources(resources)
                .build();
    }
}
