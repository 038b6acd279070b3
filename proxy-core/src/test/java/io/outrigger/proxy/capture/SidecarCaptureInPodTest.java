package io.outrigger.proxy.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.iptables.testkit.ExecResult;
import io.outrigger.iptables.testkit.Pod;
import io.outrigger.iptables.testkit.PodNetwork;
import io.outrigger.iptables.testkit.PodProcess;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Transparent capture end to end, in pods (network namespaces on a bridge without uplink) with
 * the real iptables-init rules and the real launcher running {@code examples/sidecar.yaml} as uid
 * 1337, while the apps run as uid 1000:
 *
 * <ul>
 *   <li>pod a: the client app, iptables-init (REDIRECT), Outrigger;</li>
 *   <li>pod b: the server app on 8080 and 9090, iptables-init (REDIRECT, 9090 not captured
 *       inbound, so a's proxy is seen directly there), Outrigger;</li>
 *   <li>pod c: the server app on 8080, iptables-init {@code -m TPROXY}, Outrigger with a
 *       transparent virtualInbound and CAP_NET_ADMIN.</li>
 * </ul>
 *
 * Pod a's proxy also has a {@code bind_to_port: false} listener on {@code 0.0.0.0:9090}, the way
 * istiod sends one per service port, to show the virtual listener's handoff. Every pod has an
 * IPv6 address when the kernel has IPv6. Needs root; skipped otherwise.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SidecarCaptureInPodTest {
    static final int APP_UID = 1000;

    /** An explicit outbound listener that owns no socket: virtualOutbound hands port 9090 to it. */
    static final String OUTBOUND_9090 = """
              - name: outbound_0.0.0.0_9090
                address:
                  socket_address: { address: 0.0.0.0, port_value: 9090 }
                bind_to_port: false
                filter_chains:
                - filters:
                  - name: envoy.filters.network.tcp_proxy
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                      stat_prefix: outbound_9090
                      cluster: PassthroughCluster
            """;

    static PodNetwork net;
    static Pod a;
    static Pod b;
    static Pod c;
    static SidecarProcess proxyA;
    static SidecarProcess proxyB;
    static SidecarProcess proxyC;

    @BeforeAll
    static void startPods() {
        PodNetwork.requireRoot();
        net = PodNetwork.create(PodNetwork.ipv6Supported());
        a = net.addPod("a");
        b = net.addPod("b");
        c = net.addPod("c");
        PodProcess appB = b.startJava(APP_UID, PeerTagServer.class, "b", "8080", "9090");
        PodProcess appC = c.startJava(APP_UID, PeerTagServer.class, "c", "8080");
        a.runIptablesInit().orFail("iptables-init in a");
        b.runIptablesInit("-d", "9090").orFail("iptables-init in b");
        c.runIptablesInit("-m", "TPROXY").orFail("iptables-init -m TPROXY in c");
        String example = SidecarProcess.exampleConfig();
        proxyA = SidecarProcess.start(a, withListener(example, OUTBOUND_9090), false);
        proxyB = SidecarProcess.start(b, example, false);
        proxyC = SidecarProcess.start(c, transparentInbound(example), true);
        appB.awaitLine("READY", Duration.ofSeconds(60));
        appC.awaitLine("READY", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopPods() {
        try {
            for (SidecarProcess p : new SidecarProcess[] {proxyA, proxyB, proxyC}) {
                if (p != null) {
                    p.assertNoLeakReports();
                }
            }
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    /** The example with {@code listener} added first under {@code static_resources.listeners}. */
    static String withListener(String config, String listener) {
        String marker = "  listeners:\n";
        assertThat(config).contains(marker);
        return config.replace(marker, marker + listener);
    }

    /** The example as its comments say to run it with iptables-init -m TPROXY. */
    static String transparentInbound(String config) {
        assertThat(config).contains("    transparent: false\n");
        return config.replace("    transparent: false\n", "    transparent: true\n");
    }

    /** The app's first line and the source it reports, from {@code "<tag> from <ip>:<port>"}. */
    record Reply(String tag, InetAddress source, int sourcePort) {
        static Reply parse(String line) {
            assertThat(line).as("reply").isNotNull().contains(" from ");
            String[] parts = line.split(" from ");
            int colon = parts[1].lastIndexOf(':');
            return new Reply(parts[0], InetAddress.ofLiteral(parts[1].substring(0, colon)),
                    Integer.parseInt(parts[1].substring(colon + 1)));
        }
    }

    private static long delta(Map<String, Long> before, SidecarProcess proxy, String stat) {
        return proxy.stat(stat) - before.getOrDefault(stat, 0L);
    }

    @Test
    void appConnectionLeavesThroughTheVirtualOutboundListenerAndThePassthroughCluster() {
        Map<String, Long> before = proxyA.stats();
        Reply reply = Reply.parse(a.tcpFirstLine(APP_UID, b.ipv4(), 8080));

        assertThat(reply.tag()).isEqualTo("b:8080");
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(delta(before, proxyA, "listener.0.0.0.0_15001.downstream_cx_total")).isEqualTo(1);
            assertThat(delta(before, proxyA, "tcp.PassthroughCluster.downstream_cx_total")).isEqualTo(1);
            assertThat(delta(before, proxyA, "cluster.PassthroughCluster.upstream_cx_total")).isEqualTo(1);
            assertThat(delta(before, proxyA, "cluster.PassthroughCluster.upstream_cx_connect_fail")).isZero();
        });
        assertThat(proxyA.admin("/stats/prometheus"))
                .containsPattern("envoy_cluster_upstream_cx_total\\{envoy_cluster_name=\"PassthroughCluster\"} [1-9]");
    }

    @Test
    void theProxyNotTheAppOpensTheUpstreamConnection() {
        // The app holds its connection open while ss lists the pod's sockets to b:9090 (not captured
        // inbound in b, so b's app sees a's real source port).
        ExecResult r = a.execAs(APP_UID, Duration.ofSeconds(30), "timeout", "20", "bash", "-c",
                "exec 3<>/dev/tcp/" + b.ipv4() + "/9090 && IFS= read -r line <&3 && echo \"$line\""
                        + " && ss -tnHe state established '( dport = :9090 )'");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String[] lines = r.stdout().strip().split("\n");
        Reply reply = Reply.parse(lines[0]);
        assertThat(reply.tag()).isEqualTo("b:9090");
        assertThat(reply.source()).isEqualTo(InetAddress.ofLiteral(a.ipv4()));

        String upstream = null;
        String app = null;
        for (int i = 1; i < lines.length; i++) {
            // Netty's sockets are IPv6 ones: ss may print the proxy's as [::ffff:10.213.x.2]:port.
            String local = lines[i].strip().split("\\s+")[2];
            if (local.contains(a.ipv4()) && local.endsWith(":" + reply.sourcePort())) {
                upstream = lines[i];
            } else if (lines[i].contains(" uid:" + APP_UID + " ")) {
                app = lines[i];
            }
        }
        assertThat(upstream).as("the socket b's app saw, in %s", r.stdout()).isNotNull()
                .contains(" uid:" + SidecarProcess.PROXY_UID + " ");
        assertThat(app).as("the app's own (redirected) socket, in %s", r.stdout()).isNotNull()
                .doesNotContain(":" + reply.sourcePort() + " ");
        assertThat(upstream).as("the app's own socket is not the one b saw").isNotEqualTo(app);
    }

    @Test
    void virtualOutboundHandsADestinationPortOverToTheListenerWithoutASocketThatOwnsIt() {
        Map<String, Long> before = proxyA.stats();
        Reply reply = Reply.parse(a.tcpFirstLine(APP_UID, b.ipv4(), 9090));

        assertThat(reply.tag()).isEqualTo("b:9090");
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            // Counted where it is served, as Envoy counts handed-off connections.
            assertThat(delta(before, proxyA, "listener.0.0.0.0_9090.downstream_cx_total")).isEqualTo(1);
            assertThat(delta(before, proxyA, "tcp.outbound_9090.downstream_cx_total")).isEqualTo(1);
            assertThat(delta(before, proxyA, "listener.0.0.0.0_15001.downstream_cx_total")).isZero();
            assertThat(delta(before, proxyA, "cluster.PassthroughCluster.upstream_cx_total")).isEqualTo(1);
        });
    }

    @Test
    void inboundConnectionReachesTheAppThroughTheVirtualInboundListenerFrom127006() {
        Map<String, Long> beforeB = proxyB.stats();
        Reply reply = Reply.parse(a.tcpFirstLine(APP_UID, b.ipv4(), 8080));

        assertThat(reply.tag()).isEqualTo("b:8080");
        assertThat(reply.source()).isEqualTo(InetAddress.ofLiteral("127.0.0.6"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(delta(beforeB, proxyB, "listener.0.0.0.0_15006.downstream_cx_total")).isEqualTo(1);
            assertThat(delta(beforeB, proxyB, "cluster.InboundPassthroughCluster.upstream_cx_total")).isEqualTo(1);
            assertThat(delta(beforeB, proxyB, "listener.0.0.0.0_15001.downstream_cx_total")).isZero();
        });
    }

    @Test
    void tproxyInboundReachesTheAppFrom127006WithTheOriginalDestinationKept() {
        Map<String, Long> beforeC = proxyC.stats();
        Reply reply = Reply.parse(a.tcpFirstLine(APP_UID, c.ipv4(), 8080));

        assertThat(reply.tag()).isEqualTo("c:8080");
        assertThat(reply.source()).isEqualTo(InetAddress.ofLiteral("127.0.0.6"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(delta(beforeC, proxyC, "listener.0.0.0.0_15006.downstream_cx_total")).isEqualTo(1);
            assertThat(delta(beforeC, proxyC, "cluster.InboundPassthroughCluster.upstream_cx_total")).isEqualTo(1);
        });
    }

    @Test
    void connectionToTheCapturePortItselfIsBlackHoledInsteadOfLooping() {
        Map<String, Long> before = proxyA.stats();
        assertThat(a.tcpFirstLine(APP_UID, "127.0.0.1", 15001)).isNull();
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(delta(before, proxyA, "cluster.BlackHoleCluster.upstream_cx_none_healthy")).isEqualTo(1);
            assertThat(delta(before, proxyA, "listener.0.0.0.0_15001.downstream_cx_total")).isEqualTo(1);
            assertThat(delta(before, proxyA, "cluster.PassthroughCluster.upstream_cx_total")).isZero();
        });
    }

    @Test
    void thousandSequentialConnectionsAreEachProxiedOnceAndLeaveNoSocketsBehind() {
        Map<String, Long> beforeA = proxyA.stats();
        Map<String, Long> beforeB = proxyB.stats();
        PodProcess loop = a.startJava(APP_UID, ConnectLoop.class, b.ipv4(), "8080", "1000");
        Awaitility.await().atMost(Duration.ofSeconds(150)).until(() -> !loop.isAlive());
        assertThat(loop.outputLines()).singleElement().asString().startsWith("OK 1000 b:8080 from 127.0.0.6:");

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            // Exactly once each: the proxies' own upstream connections were not captured again.
            assertThat(delta(beforeA, proxyA, "listener.0.0.0.0_15001.downstream_cx_total")).isEqualTo(1000);
            assertThat(delta(beforeA, proxyA, "cluster.PassthroughCluster.upstream_cx_total")).isEqualTo(1000);
            assertThat(delta(beforeB, proxyB, "listener.0.0.0.0_15006.downstream_cx_total")).isEqualTo(1000);
            assertThat(delta(beforeB, proxyB, "cluster.InboundPassthroughCluster.upstream_cx_total")).isEqualTo(1000);
            assertThat(proxyB.stat("listener.0.0.0.0_15001.downstream_cx_total")).isZero();
            assertThat(proxyA.stat("listener.0.0.0.0_15001.downstream_cx_active")).isZero();
            assertThat(proxyA.stat("cluster.PassthroughCluster.upstream_cx_active")).isZero();
            assertThat(proxyB.stat("listener.0.0.0.0_15006.downstream_cx_active")).isZero();
            assertThat(proxyB.stat("cluster.InboundPassthroughCluster.upstream_cx_active")).isZero();
            // Nothing left half open in either pod (TIME-WAIT is the kernel's, not a stuck socket).
            for (Pod pod : new Pod[] {a, b}) {
                String open = pod.exec("ss", "-tnH", "state", "established", "state", "close-wait",
                        "state", "fin-wait-1", "state", "fin-wait-2", "state", "last-ack").stdout().strip();
                assertThat(open).as("connections still open in %s", pod).isEmpty();
            }
        });
        assertThat(proxyA.isAlive()).isTrue();
        assertThat(proxyB.isAlive()).isTrue();
    }

    @Test
    void ipv6ConnectionIsCapturedAndItsOriginalIpv6DestinationRecovered() {
        Assumptions.assumeTrue(a.ipv6() != null, "skipped: this kernel has no IPv6");
        Map<String, Long> beforeA = proxyA.stats();
        Map<String, Long> beforeB = proxyB.stats();

        // b:9090 is not captured inbound: b's app sees a's proxy, from a's IPv6 address.
        Reply direct = Reply.parse(a.tcpFirstLine(APP_UID, b.ipv6(), 9090));
        assertThat(direct.tag()).isEqualTo("b:9090");
        assertThat(direct.source()).isEqualTo(InetAddress.ofLiteral(a.ipv6()));
        // b:8080 is captured inbound too: delivered from ::6, iptables-init's IPv6 passthrough source.
        Reply inbound = Reply.parse(a.tcpFirstLine(APP_UID, b.ipv6(), 8080));
        assertThat(inbound.tag()).isEqualTo("b:8080");
        assertThat(inbound.source()).isEqualTo(InetAddress.ofLiteral("::6"));
        // TPROXY over IPv6.
        Reply tproxy = Reply.parse(a.tcpFirstLine(APP_UID, c.ipv6(), 8080));
        assertThat(tproxy.tag()).isEqualTo("c:8080");
        assertThat(tproxy.source()).isEqualTo(InetAddress.ofLiteral("::6"));

        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(delta(beforeA, proxyA, "cluster.PassthroughCluster.upstream_cx_total")).isEqualTo(3);
            // Envoy's handoff matches a wildcard listener of the destination's own family only:
            // 0.0.0.0:9090 does not own [fd00::]:9090, so virtualOutbound serves all three.
            assertThat(delta(beforeA, proxyA, "listener.0.0.0.0_15001.downstream_cx_total")).isEqualTo(3);
            assertThat(delta(beforeA, proxyA, "listener.0.0.0.0_9090.downstream_cx_total")).isZero();
            assertThat(delta(beforeB, proxyB, "cluster.InboundPassthroughCluster.upstream_cx_total")).isEqualTo(1);
        });
    }

    @Test
    void transparentInboundWithoutCapNetAdminRefusesToStartAndNamesTheCapability() {
        Pod d = net.addPod("d");
        SidecarProcess proxy = SidecarProcess.launch(d, transparentInbound(SidecarProcess.exampleConfig()), false);
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> !proxy.isAlive());
        // Netty only logs a failed socket option; a TPROXY listener without IP_TRANSPARENT would
        // silently receive nothing, so the launcher must fail instead, with nothing left listening.
        assertThat(proxy.output())
                .contains("listener \"virtualInbound\": cannot bind 0.0.0.0:15006")
                .contains("IP_TRANSPARENT (needs CAP_NET_ADMIN");
        assertThat(d.exec("ss", "-tlnH").stdout().strip()).isEmpty();
    }
}
