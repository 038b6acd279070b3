package io.outrigger.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.iptables.testkit.ExecResult;
import io.outrigger.iptables.testkit.Pod;
import io.outrigger.iptables.testkit.PodNetwork;
import io.outrigger.proxy.testing.NetnsPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pod A's app talks to pod B's app through both sidecars, with the traffic captured by iptables-init in
 * each pod (Istio's 15001/15006): A's sidecar originates mTLS to B's original destination, B's sidecar
 * terminates it, checks A's SPIFFE ID (RBAC) and hands the bytes to B's app on loopback. Between the pods
 * (B's eth0) only TLS crosses: iptables string matches in B count the plaintext marker on eth0 (none) and on
 * loopback (the sidecar to the app, some), and a ClientHello on eth0.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MtlsPodTest {
    private static final int APP_PORT = 8080;
    private static final String MARKER = "plaintext-marker-7f3a";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @Test
    void appToAppThroughBothCapturedSidecarsIsMutualTlsOnTheWire() throws Exception {
        appToApp(outbound(dir.resolve("a")), "listener.0.0.0.0_15001.downstream_cx_total: 1",
                "tcp.outbound_8080.downstream_cx_total: 1");
    }

    /**
     * Istio's own outbound shape: 15001 with {@code use_original_dst} hands the connection to the
     * {@code bind_to_port: false} listener of its destination port, whose tls_inspector sees the app's
     * plaintext (raw_buffer) and picks the chain that originates mTLS.
     */
    @Test
    void handOffFromTheVirtualOutboundToAnInspectingPortListenerOriginatesMutualTls() throws Exception {
        // The socketless port listener served it (its listener stats), not 15001's passthrough chain.
        appToApp(outboundWithHandOff(dir.resolve("a")), "listener.0.0.0.0_8080.downstream_cx_total: 1",
                "tcp.PassthroughCluster.downstream_cx_total: 0", "tcp.outbound_8080.downstream_cx_total: 1");
    }

    /** @param expectedStatsOfA lines A's /stats must hold after the exchange, beyond the TLS ones */
    private void appToApp(String outboundConfig, String... expectedStatsOfA) throws Exception {
        Assumptions.assumeTrue(PodNetwork.isRoot(), "skipped: needs root for network namespaces and iptables (CI runs as root)");
        MeshCerts mesh = MeshCerts.trustDomain("cluster.local");
        mesh.issue(MeshCerts.WEB, Duration.ofHours(1), dir.resolve("a"));
        mesh.issue(MeshCerts.REVIEWS, Duration.ofHours(1), dir.resolve("b"));
        try (PodNetwork net = PodNetwork.create()) {
            Pod a = net.addPod("a");
            Pod b = net.addPod("b");
            a.runIptablesInit().orFail("iptables-init in pod a");
            b.runIptablesInit().orFail("iptables-init in pod b");
            for (String rule : List.of(
                    "-i eth0 -m string --algo bm --string " + MARKER,
                    "-i lo -m string --algo bm --string " + MARKER,
                    "-i eth0 -m string --algo bm --hex-string |160301|")) {
                List<String> cmd = new ArrayList<>(List.of("iptables", "-I", "INPUT", "-p", "tcp"));
                cmd.addAll(List.of(rule.split(" ")));
                cmd.addAll(List.of("-j", "ACCEPT"));
                b.exec(cmd.toArray(String[]::new)).orFail("count rule in pod b");
            }

            Files.writeString(dir.resolve("b.yaml"), inbound(dir.resolve("b")));
            Files.writeString(dir.resolve("a.yaml"), outboundConfig);
            start(b, dir.resolve("app-b.log"), javaCommand(NetnsPeer.class.getName(), "echo", "0.0.0.0",
                    String.valueOf(APP_PORT)));
            Path bLog = dir.resolve("sidecar-b.log");
            Path aLog = dir.resolve("sidecar-a.log");
            start(b, bLog, sidecar(dir.resolve("b.yaml")));
            start(a, aLog, sidecar(dir.resolve("a.yaml")));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                assertThat(Files.readString(dir.resolve("app-b.log"))).contains("listening");
                assertThat(Files.readString(bLog)).contains("is LIVE");
                assertThat(Files.readString(aLog)).contains("is LIVE");
            });

            Path clientLog = dir.resolve("client-a.log");
            Process client = start(a, clientLog, javaCommand(NetnsPeer.class.getName(), "client", b.ipv4(),
                    String.valueOf(APP_PORT), "hello " + MARKER, "127.0.0.1:15000"));
            assertThat(client.waitFor(90, TimeUnit.SECONDS)).isTrue();
            String aOut = Files.readString(clientLog);
            assertThat(aOut).as(aOut + Files.readString(aLog)).contains("echo=hello " + MARKER);
            // A verified B: a TLS handshake counted on the cluster whose SAN matcher names B's SPIFFE ID.
            assertThat(aOut).contains("cluster.outbound|8080||b.ssl.handshake: 1", "cluster.outbound|8080||b.ssl.fail_verify_san: 0");
            assertThat(aOut).contains(expectedStatsOfA);

            String bStats = admin(b, "/stats");
            // B saw A's SPIFFE ID: the RBAC policy lets exactly that principal in.
            assertThat(bStats).contains("listener.0.0.0.0_15006.ssl.handshake: 1", "tcp.rbac.allowed: 1",
                    "tcp.rbac.denied: 0");

            String counters = b.exec("iptables", "-L", "INPUT", "-v", "-n", "-x").orFail("iptables -L").stdout();
            assertThat(packets(counters, "eth0", "STRING match  \"" + MARKER + "\"")).as(counters).isZero();
            assertThat(packets(counters, "lo", "STRING match  \"" + MARKER + "\"")).as(counters).isPositive();
            assertThat(packets(counters, "eth0", "STRING match  \"|160301|\"")).as(counters).isPositive();
            assertThat(Files.readString(bLog) + Files.readString(aLog)).doesNotContain("LEAK:");
        } finally {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** B's inbound: 15006 with original_dst and tls_inspector, mTLS required, RBAC on A's identity. */
    private static String inbound(Path certs) {
        return """
                node: {id: b, cluster: b.default}
                admin: {address: {socket_address: {address: 127.0.0.1, port_value: 15000}}}
                static_resources:
                  listeners:
                  - name: virtualInbound
                    address: {socket_address: {address: 0.0.0.0, port_value: 15006}}
                    listener_filters:
                    - name: envoy.filters.listener.original_dst
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst}
                    - name: envoy.filters.listener.tls_inspector
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
                    filter_chains:
                    - name: inbound|8080
                      filter_chain_match: {destination_port: 8080, transport_protocol: tls}
                      filters:
                      - name: envoy.filters.network.rbac
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC
                          stat_prefix: tcp.
                          rules:
                            action: ALLOW
                            policies:
                              web-only:
                                permissions: [{any: true}]
                                principals: [{authenticated: {principal_name: {exact: "%s"}}}]
                      - name: envoy.filters.network.tcp_proxy
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: inbound_8080, cluster: "inbound|8080"}
                      transport_socket:
                        name: envoy.transport_sockets.tls
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                          require_client_certificate: true
                          common_tls_context:
                            tls_certificates: [{certificate_chain: {filename: %s/cert-chain.pem}, private_key: {filename: %s/key.pem}}]
                            validation_context: {trusted_ca: {filename: %s/root-cert.pem}}
                  clusters:
                  - name: inbound|8080
                    connect_timeout: 2s
                    load_assignment: {cluster_name: "inbound|8080", endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8080}}}}]}]}
                """.formatted(MeshCerts.WEB, certs, certs, certs);
    }

    /** A's outbound: 15001 with original_dst; port 8080 goes to its original destination over mTLS. */
    private static String outbound(Path certs) {
        return """
                node: {id: a, cluster: a.default}
                admin: {address: {socket_address: {address: 127.0.0.1, port_value: 15000}}}
                static_resources:
                  listeners:
                  - name: virtualOutbound
                    address: {socket_address: {address: 0.0.0.0, port_value: 15001}}
                    listener_filters:
                    - name: envoy.filters.listener.original_dst
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst}
                    filter_chains:
                    - filter_chain_match: {destination_port: 8080}
                      filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: outbound_8080, cluster: "outbound|8080||b"}
                  clusters:
                  - name: outbound|8080||b
                    type: ORIGINAL_DST
                    lb_policy: CLUSTER_PROVIDED
                    connect_timeout: 2s
                    transport_socket:
                      name: envoy.transport_sockets.tls
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                        sni: outbound_.8080_._.b.default.svc.cluster.local
                        common_tls_context:
                          tls_certificates: [{certificate_chain: {filename: %s/cert-chain.pem}, private_key: {filename: %s/key.pem}}]
                          validation_context:
                            trusted_ca: {filename: %s/root-cert.pem}
                            match_typed_subject_alt_names: [{san_type: URI, matcher: {exact: "%s"}}]
                """.formatted(certs, certs, certs, MeshCerts.REVIEWS);
    }

    /**
     * A's outbound as Istio writes it: 15001 ({@code use_original_dst}, a passthrough chain) and the
     * socketless {@code 0.0.0.0_8080} with tls_inspector, whose raw_buffer chain goes to B over mTLS.
     */
    private static String outboundWithHandOff(Path certs) {
        return """
                node: {id: a, cluster: a.default}
                admin: {address: {socket_address: {address: 127.0.0.1, port_value: 15000}}}
                static_resources:
                  listeners:
                  - name: virtualOutbound
                    address: {socket_address: {address: 0.0.0.0, port_value: 15001}}
                    use_original_dst: true
                    filter_chains:
                    - name: PassthroughFilterChain
                      filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: PassthroughCluster, cluster: PassthroughCluster}
                  - name: 0.0.0.0_8080
                    address: {socket_address: {address: 0.0.0.0, port_value: 8080}}
                    bind_to_port: false
                    listener_filters:
                    - name: envoy.filters.listener.tls_inspector
                      typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
                    filter_chains:
                    - filter_chain_match: {transport_protocol: raw_buffer}
                      filters:
                      - name: envoy.filters.network.tcp_proxy
                        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: outbound_8080, cluster: "outbound|8080||b"}
                  clusters:
                  - name: PassthroughCluster
                    type: ORIGINAL_DST
                    lb_policy: CLUSTER_PROVIDED
                    connect_timeout: 2s
                  - name: outbound|8080||b
                    type: ORIGINAL_DST
                    lb_policy: CLUSTER_PROVIDED
                    connect_timeout: 2s
                    transport_socket:
                      name: envoy.transport_sockets.tls
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                        sni: outbound_.8080_._.b.default.svc.cluster.local
                        common_tls_context:
                          tls_certificates: [{certificate_chain: {filename: %s/cert-chain.pem}, private_key: {filename: %s/key.pem}}]
                          validation_context:
                            trusted_ca: {filename: %s/root-cert.pem}
                            match_typed_subject_alt_names: [{san_type: URI, matcher: {exact: "%s"}}]
                """.formatted(certs, certs, certs, MeshCerts.REVIEWS);
    }

    private static List<String> javaCommand(String mainClass, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-Dio.netty.leakDetection.level=paranoid", "-cp", cp, mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The sidecar as the proxy's group 1337, which iptables-init excludes from capture. */
    private static List<String> sidecar(Path config) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--regid=1337", "--clear-groups"));
        cmd.addAll(javaCommand("io.outrigger.proxy.Main", "-c", config.toString(), "--concurrency", "1"));
        return cmd;
    }

    private Process start(Pod pod, Path log, List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", pod.netns()));
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    /** GET on the pod's admin (127.0.0.1:15000 inside it), through bash's /dev/tcp. */
    private static String admin(Pod pod, String path) {
        ExecResult r = pod.exec("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/15000 && printf 'GET " + path
                + " HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3");
        return r.orFail("admin " + path).stdout();
    }

    /** The packet counter of the INPUT rule on {@code iface} whose text contains {@code match}. */
    private static long packets(String listing, String iface, String match) {
        for (String line : listing.split("\n")) {
            if (line.contains(match)) {
                Matcher m = Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s+ACCEPT\\s+\\S+\\s+\\S+\\s+(\\S+)").matcher(line);
                if (m.find() && m.group(2).equals(iface)) {
                    return Long.parseLong(m.group(1));
                }
            }
        }
        throw new AssertionError("no INPUT rule on " + iface + " matching " + match + " in:\n" + listing);
    }
}
