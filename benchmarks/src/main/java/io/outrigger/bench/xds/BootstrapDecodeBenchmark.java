package io.outrigger.bench.xds;

import io.outrigger.xds.config.BootstrapLoader;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading a large bootstrap end to end: read, check every field against the descriptors, parse
 * with JsonFormat, decode and validate into the snapshot. 1,000 STATIC clusters of 10 endpoints
 * each (10,000 endpoints) and one listener per 10 clusters, as YAML (snake_case) and as JSON.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class BootstrapDecodeBenchmark {
    @Param({"yaml", "json"})
    public String format;

    @Param({"1000"})
    public int clusters;

    @Param({"10"})
    public int endpointsPerCluster;

    private Path file;

    @Setup(Level.Trial)
    public void writeBootstrap() throws IOException {
        file = Files.createTempFile("outrigger-bench-bootstrap", "." + format);
        Files.writeString(file, format.equals("json") ? json() : yaml());
    }

    @TearDown(Level.Trial)
    public void deleteBootstrap() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public ConfigSnapshot load() throws ConfigException {
        return BootstrapLoader.load(file).snapshot();
    }

    private String yaml() {
        StringBuilder b = new StringBuilder(clusters * endpointsPerCluster * 120);
        b.append("node: {id: bench, cluster: bench}\nstatic_resources:\n  listeners:\n");
        for (int l = 0; l < clusters / 10; l++) {
            b.append("  - name: listener-").append(l).append('\n')
                    .append("    address: {socket_address: {address: 127.0.0.1, port_value: ").append(20000 + l).append("}}\n")
                    .append("    filter_chains:\n    - filters:\n      - name: envoy.filters.network.tcp_proxy\n")
                    .append("        typed_config:\n")
                    .append("          \"@type\": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy\n")
                    .append("          stat_prefix: l").append(l).append('\n')
                    .append("          cluster: cluster-").append(l * 10).append('\n');
        }
        b.append("  clusters:\n");
        for (int c = 0; c < clusters; c++) {
            b.append("  - name: cluster-").append(c).append('\n')
                    .append("    type: STATIC\n    connect_timeout: 0.25s\n    lb_policy: ROUND_ROBIN\n")
                    .append("    load_assignment:\n      cluster_name: cluster-").append(c).append('\n')
                    .append("      endpoints:\n      - locality: {region: r, zone: z").append(c % 3).append("}\n")
                    .append("        lb_endpoints:\n");
            for (int e = 0; e < endpointsPerCluster; e++) {
                b.append("        - endpoint: {address: {socket_address: {address: ").append(ip(c, e))
                        .append(", port_value: 8080}}}\n          load_balancing_weight: ").append(1 + e % 3).append('\n');
            }
        }
        return b.toString();
    }

    private String json() {
        StringBuilder b = new StringBuilder(clusters * endpointsPerCluster * 120);
        b.append("{\"node\":{\"id\":\"bench\",\"cluster\":\"bench\"},\"staticResources\":{\"listeners\":[");
        for (int l = 0; l < clusters / 10; l++) {
            if (l > 0) {
                b.append(',');
            }
            b.append("{\"name\":\"listener-").append(l).append("\",\"address\":{\"socketAddress\":{\"address\":\"127.0.0.1\",\"portValue\":")
                    .append(20000 + l).append("}},\"filterChains\":[{\"filters\":[{\"name\":\"envoy.filters.network.tcp_proxy\",")
                    .append("\"typedConfig\":{\"@type\":\"type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy\",")
                    .append("\"statPrefix\":\"l").append(l).append("\",\"cluster\":\"cluster-").append(l * 10).append("\"}}]}]}");
        }
        b.append("],\"clusters\":[");
        for (int c = 0; c < clusters; c++) {
            if (c > 0) {
                b.append(',');
            }
            b.append("{\"name\":\"cluster-").append(c).append("\",\"type\":\"STATIC\",\"connectTimeout\":\"0.25s\",")
                    .append("\"loadAssignment\":{\"clusterName\":\"cluster-").append(c).append("\",\"endpoints\":[{\"locality\":")
                    .append("{\"region\":\"r\",\"zone\":\"z").append(c % 3).append("\"},\"lbEndpoints\":[");
            for (int e = 0; e < endpointsPerCluster; e++) {
                if (e > 0) {
                    b.append(',');
                }
                b.append("{\"endpoint\":{\"address\":{\"socketAddress\":{\"address\":\"").append(ip(c, e))
                        .append("\",\"portValue\":8080}}},\"loadBalancingWeight\":").append(1 + e % 3).append('}');
            }
            b.append("]}]}}");
        }
        return b.append("]}}").toString();
    }

    private static String ip(int cluster, int endpoint) {
        int n = cluster * 16 + endpoint;
        return "10." + ((n >> 16) & 255) + "." + ((n >> 8) & 255) + "." + (n & 255);
    }
}
