package io.outrigger.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.testing.NetnsPeer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transparent outbound capture for real: in a network namespace of its own, iptables REDIRECTs
 * the application's connection to a service address to the proxy's port 15001 (Istio's outbound
 * capture). The proxy's original_dst listener filter reads SO_ORIGINAL_DST, the filter chain is
 * matched on the original port, and the ORIGINAL_DST cluster connects to the original address.
 * The proxy's own connections are excluded from capture by group id 1337 (as Istio excludes the
 * proxy's uid; the group keeps the test class path under /root readable).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OriginalDstCaptureTest {
    private static final String SERVICE_IP = "10.213.77.1";
    private static final int SERVICE_PORT = 9999;

    @TempDir
    Path dir;

    private String netns;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void createNamespace() throws Exception {
        Assumptions.assumeTrue(isRoot(), "skipped: needs root for network namespaces and iptables (CI runs as root)");
        netns = "orcap" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt() & 0xffffff, 6);
        run("ip", "netns", "add", netns);
        run("ip", "-n", netns, "link", "set", "lo", "up");
        run("ip", "-n", netns, "addr", "add", SERVICE_IP + "/32", "dev", "lo");
        run("ip", "netns", "exec", netns, "iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", SERVICE_IP,
                "--dport", String.valueOf(SERVICE_PORT), "-m", "owner", "!", "--gid-owner", "1337",
                "-j", "REDIRECT", "--to-ports", "15001");
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (netns != null) {
            run("ip", "netns", "del", netns);
        }
    }

    @Test
    void redirectedConnectionReachesItsOriginalDestinationThroughThePassthroughCluster() throws Exception {
        String out = captureOnce("""
                node: { id: sidecar, cluster: capture-test }
                admin:
                  address: { socket_address: { address: 127.0.0.1, port_value: 15000 } }
                static_resources:
                  listeners:
                  - name: virtualOutbound
                    address: { socket_address: { address: 0.0.0.0, port_value: 15001 } }
                    listener_filters:
                    - name: envoy.filters.listener.original_dst
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst
                    filter_chains:
                    - filter_chain_match: { destination_port: %d }
                      filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: passthrough
                          cluster: PassthroughCluster
                  clusters:
                  - name: PassthroughCluster
                    type: ORIGINAL_DST
                    lb_policy: CLUSTER_PROVIDED
                    connect_timeout: 1s
                """.formatted(SERVICE_PORT));

        assertThat(out).contains("echo=hello through capture",
                "tcp.passthrough.downstream_cx_total: 1",
                "cluster.PassthroughCluster.upstream_cx_total: 1",
                "listener.0.0.0.0_15001.downstream_cx_total: 1",
                "PassthroughCluster::" + SERVICE_IP + ":" + SERVICE_PORT + "::cx_total::1");
    }

    @Test
    void useOriginalDstHandsTheConnectionToTheListenerOfItsOriginalDestination() throws Exception {
        // Istio's outbound shape: 15001 accepts everything and hands each connection to the
        // (unbound) listener named after the service address, which routes it to the service.
        String out = captureOnce("""
                node: { id: sidecar, cluster: capture-test }
                admin:
                  address: { socket_address: { address: 127.0.0.1, port_value: 15000 } }
                static_resources:
                  listeners:
                  - name: virtualOutbound
                    address: { socket_address: { address: 0.0.0.0, port_value: 15001 } }
                    use_original_dst: true
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: passthrough
                          cluster: PassthroughCluster
                  - name: %1$s_%2$d
                    address: { socket_address: { address: %1$s, port_value: %2$d } }
                    bind_to_port: false
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: svc
                          cluster: svc
                  clusters:
                  - name: PassthroughCluster
                    type: ORIGINAL_DST
                    lb_policy: CLUSTER_PROVIDED
                    connect_timeout: 1s
                  - name: svc
                    type: STATIC
                    connect_timeout: 1s
                    load_assignment:
                      cluster_name: svc
                      endpoints:
                      - lb_endpoints:
                        - endpoint: { address: { socket_address: { address: %1$s, port_value: %2$d } } }
                """.formatted(SERVICE_IP, SERVICE_PORT));

        assertThat(out).contains("echo=hello through capture",
                "tcp.svc.downstream_cx_total: 1",
                "cluster.svc.upstream_cx_total: 1",
                "listener." + SERVICE_IP + "_" + SERVICE_PORT + ".downstream_cx_total: 1",
                "cluster.PassthroughCluster.upstream_cx_total: 0",
                "listener.0.0.0.0_15001.downstream_cx_total: 0");
    }

    /**
     * Starts the echo service and the proxy (group 1337) in the namespace, runs one client
     * exchange to the service address, and returns the client's output (echo, /stats, /clusters).
     */
    private String captureOnce(String bootstrap) throws Exception {
        Path config = dir.resolve("capture.yaml");
        Files.writeString(config, bootstrap);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

        Process echo = start(dir.resolve("echo.log"), "ip", "netns", "exec", netns, java, "-cp", cp,
                NetnsPeer.class.getName(), "echo", SERVICE_IP, String.valueOf(SERVICE_PORT));
        Path proxyLog = dir.resolve("proxy.log");
        Process proxy = start(proxyLog, "ip", "netns", "exec", netns, "setpriv", "--regid=1337", "--clear-groups", java,
                "--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=paranoid", "-cp", cp,
                "io.outrigger.proxy.Main", "-c", config.toString(), "--concurrency", "1");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(echo.isAlive()).isTrue();
            assertThat(proxy.isAlive()).as(Files.readString(proxyLog)).isTrue();
            assertThat(Files.readString(dir.resolve("echo.log"))).contains("listening");
            assertThat(Files.readString(proxyLog)).contains("is LIVE");
        });

        Path clientLog = dir.resolve("client.log");
        Process client = start(clientLog, "ip", "netns", "exec", netns, java, "-cp", cp, NetnsPeer.class.getName(),
                "client", SERVICE_IP, String.valueOf(SERVICE_PORT), "hello through capture", "127.0.0.1:15000");
        assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(clientLog);
        assertThat(client.exitValue()).as(out).isZero();
        assertThat(Files.readString(proxyLog)).doesNotContain("LEAK:");
        return out;
    }

    private Process start(Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
    }

    private static boolean isRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out.equals("0");
    }
}
