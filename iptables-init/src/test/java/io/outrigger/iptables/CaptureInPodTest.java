package io.outrigger.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.iptables.testkit.ExecResult;
import io.outrigger.iptables.testkit.Pod;
import io.outrigger.iptables.testkit.PodNetwork;
import io.outrigger.iptables.testkit.PodProcess;
import io.outrigger.iptables.testkit.PortTagServer;
import io.outrigger.iptables.testkit.TcpProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The capture rules installed by the real CLI in network-namespace pods, observed from where
 * connections land. Pod A runs listeners standing in for the proxy (as uid 1337: 15001 outbound,
 * 15006 inbound, 15053 DNS) and for the app (as uid 1000: 8080, 9000, 15090); pod B is a peer
 * with listeners on 8080, 9000 and DNS 53. Each listener answers with its pod and port, so
 * {@code "a:15001"} means "the connection was captured by the outbound listener". Expected
 * landings follow Istio's documented sidecar behaviour for the same options.
 */
class CaptureInPodTest {

    static final int APP_UID = 1000;
    static final int PROXY_UID = 1337;
    static final Duration READY = Duration.ofSeconds(60);

    static PodNetwork net;
    static Pod a;
    static Pod b;

    @BeforeAll
    static void startPods() {
        PodNetwork.requireRoot();
        net = PodNetwork.create(PodNetwork.ipv6Supported());
        a = net.addPod("a");
        b = net.addPod("b");
        List<PodProcess> servers = List.of(
                a.startJava(PROXY_UID, PortTagServer.class, "a", "tcp:15001", "tcp:15006", "tcp:15053", "udp:15053@127.0.0.1"),
                a.startJava(APP_UID, PortTagServer.class, "a", "tcp:8080", "tcp:9000", "tcp:15090"),
                b.startJava(-1, PortTagServer.class, "b", "tcp:8080", "tcp:9000", "tcp:53", "udp:53"));
        for (PodProcess server : servers) {
            server.awaitLine("READY", READY);
        }
    }

    @AfterAll
    static void stopPods() {
        if (net != null) {
            net.close();
        }
    }

    /** Backends a test installed into; only those are cleaned (each run is a JVM start). */
    static final java.util.Set<String> USED_MODES = new java.util.LinkedHashSet<>();

    @AfterEach
    void removeRules() {
        for (String mode : USED_MODES) {
            a.runIptablesInit("--cleanup", "--iptables-mode", mode).orFail("cleanup " + mode);
        }
        USED_MODES.clear();
    }

    private static void install(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--iptables-mode")) {
            all.addAll(List.of("--iptables-mode", "nft"));
        }
        if (!all.contains("--ipv6")) {
            all.addAll(List.of("--ipv6", "off"));
        }
        USED_MODES.add(all.get(all.indexOf("--iptables-mode") + 1));
        ExecResult r = a.runIptablesInit(all.toArray(String[]::new));
        assertThat(r.exitCode()).as("iptables-init %s: %s", all, r).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nft", "legacy"})
    void appConnectionToPeerIsRedirectedToOutboundPortButProxyConnectionIsNot(String mode) {
        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 8080)).as("before install").isEqualTo("b:8080");

        install("--iptables-mode", mode);

        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 8080)).isEqualTo("a:15001");
        assertThat(a.tcpFirstLine(PROXY_UID, b.ipv4(), 8080)).isEqualTo("b:8080");
    }

    @Test
    void proxyGroupIsExcludedIndependentlyOfTheUid() {
        install("-u", "1337", "-g", "2000");

        assertThat(a.tcpFirstLine(APP_UID, 2000, b.ipv4(), 8080)).as("app uid, proxy gid").isEqualTo("b:8080");
        assertThat(a.tcpFirstLine(APP_UID, APP_UID, b.ipv4(), 8080)).as("app uid and gid").isEqualTo("a:15001");
        assertThat(a.tcpFirstLine(PROXY_UID, APP_UID, b.ipv4(), 8080)).as("proxy uid, app gid").isEqualTo("b:8080");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nft", "legacy"})
    void inboundConnectionFromPeerLandsOnInboundPortExceptTheProxysOwnPorts(String mode) {
        install("--iptables-mode", mode);

        assertThat(b.tcpFirstLine(APP_UID, a.ipv4(), 8080)).isEqualTo("a:15006");
        assertThat(b.tcpFirstLine(APP_UID, a.ipv4(), 15090)).isEqualTo("a:15090");
    }

    @Test
    void excludedInboundPortReachesTheAppDirectly() {
        install("-d", "9000");

        assertThat(b.tcpFirstLine(APP_UID, a.ipv4(), 9000)).isEqualTo("a:9000");
        assertThat(b.tcpFirstLine(APP_UID, a.ipv4(), 8080)).isEqualTo("a:15006");
    }

    @Test
    void onlyListedInboundPortsAreCaptured() {
        install("-b", "8080");

        assertThat(b.tcpFirstLine(APP_UID, a.ipv4(), 8080)).isEqualTo("a:15006");
        assertThat(b.tcpFirstLine(APP_UID, a.ipv4(), 9000)).isEqualTo("a:9000");
    }

    @Test
    void excludedOutboundPortIsNotCaptured() {
        install("-o", "9000");

        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 9000)).isEqualTo("b:9000");
        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 8080)).isEqualTo("a:15001");
    }

    @Test
    void includedOutboundPortIsCapturedEvenWhenNoDestinationIs() {
        install("-i", "", "-q", "9000");

        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 9000)).isEqualTo("a:15001");
        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 8080)).isEqualTo("b:8080");
    }

    @Test
    void excludedDestinationCidrIsNotCaptured() {
        install("-x", b.ipv4() + "/32");

        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 8080)).isEqualTo("b:8080");
    }

    @Test
    void onlyIncludedDestinationCidrsAreCaptured() {
        install("-i", "192.0.2.0/24");
        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 8080)).as("peer outside -i").isEqualTo("b:8080");

        install("-i", b.ipv4().substring(0, b.ipv4().lastIndexOf('.')) + ".0/24");
        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 8080)).as("peer inside -i").isEqualTo("a:15001");
    }

    @Test
    void appTalkingToItselfOverLoopbackOrPodAddressIsNotCaptured() {
        install();

        assertThat(a.tcpFirstLine(APP_UID, "127.0.0.1", 8080)).isEqualTo("a:8080");
        assertThat(a.tcpFirstLine(APP_UID, a.ipv4(), 8080)).isEqualTo("a:8080");
    }

    @Test
    void proxyForwardingFrom127006GoesStraightToTheAppWhileOtherProxyTrafficToThePodIsInbound() {
        install();

        assertThat(probe(PROXY_UID, "127.0.0.6", a.ipv4(), 8080)).isEqualTo("REPLY a:8080");
        assertThat(a.tcpFirstLine(PROXY_UID, "127.0.0.1", 8080)).isEqualTo("a:8080");
        // Istio: the proxy calling a service this same pod serves goes through inbound handling.
        assertThat(a.tcpFirstLine(PROXY_UID, a.ipv4(), 8080)).isEqualTo("a:15006");
    }

    @Test
    void dnsIsUntouchedWithoutCaptureDns() {
        install();

        assertThat(a.udpFirstLine(APP_UID, b.ipv4(), 53)).isEqualTo("b:53");
        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 53)).isEqualTo("a:15001");
    }

    @Test
    void captureDnsSendsAppDnsToPort15053ButNotTheProxysOwnQueries() {
        install("--capture-dns");

        assertThat(a.udpFirstLine(APP_UID, b.ipv4(), 53)).isEqualTo("a:15053");
        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 53)).isEqualTo("a:15053");
        assertThat(a.udpFirstLine(PROXY_UID, b.ipv4(), 53)).isEqualTo("b:53");
        assertThat(a.tcpFirstLine(PROXY_UID, b.ipv4(), 53)).isEqualTo("b:53");
        assertThat(a.udpFirstLine(APP_UID, b.ipv4(), 9000)).as("other UDP").isNull();
    }

    @Test
    void ipv6ConnectionsAreCapturedByIp6tablesRules() {
        org.junit.jupiter.api.Assumptions.assumeTrue(a.ipv6() != null, "skipped: this kernel has no IPv6");
        assertThat(a.tcpFirstLine(APP_UID, b.ipv6(), 8080)).as("before install").isEqualTo("b:8080");

        install("--ipv6", "on");

        assertThat(a.tcpFirstLine(APP_UID, b.ipv6(), 8080)).isEqualTo("a:15001");
        assertThat(a.tcpFirstLine(PROXY_UID, b.ipv6(), 8080)).isEqualTo("b:8080");
        assertThat(b.tcpFirstLine(APP_UID, a.ipv6(), 8080)).isEqualTo("a:15006");
        assertThat(probe(PROXY_UID, "::6", a.ipv6(), 8080)).isEqualTo("REPLY a:8080");
    }

    @Test
    void ipv6AutoDetectsTheDualStackPod() {
        org.junit.jupiter.api.Assumptions.assumeTrue(a.ipv6() != null, "skipped: this kernel has no IPv6");
        USED_MODES.add("nft");
        ExecResult r = a.runIptablesInit("--iptables-mode", "nft");
        assertThat(r.exitCode()).as(r.toString()).isZero();

        assertThat(a.tcpFirstLine(APP_UID, b.ipv6(), 8080)).isEqualTo("a:15001");
    }

    @Test
    void thousandSequentialRedirectedConnectionsLeaveNoStuckSockets() {
        install();
        String loop = "for i in $(seq 1000); do exec 3<>/dev/tcp/" + b.ipv4() + "/8080 || exit 1; "
                + "IFS= read -r line <&3; [ \"$line\" = a:15001 ] || { echo \"connection $i got '$line'\"; exit 1; }; "
                + "exec 3<&-; done; echo done";

        ExecResult r = a.execAs(APP_UID, Duration.ofSeconds(180), "bash", "-c", loop);

        assertThat(r.stdout().strip()).as(r.toString()).isEqualTo("done");
        // Only listeners and the closer's TIME-WAIT may remain: nothing established, half-closed or pending.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    ExecResult ss = a.exec("ss", "-tanH").orFail("ss");
                    List<String> states = ss.stdout().lines().map(l -> l.trim().split("\\s+")[0]).toList();
                    assertThat(states).as(ss.stdout()).contains("LISTEN")
                            .allSatisfy(state -> assertThat(state).isIn("LISTEN", "TIME-WAIT"));
                });
    }

    private static String probe(int uid, String source, String host, int port) {
        PodProcess p = a.startJava(uid, TcpProbe.class, source, host, Integer.toString(port));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !p.isAlive());
        return p.outputLines().isEmpty() ? null : p.outputLines().getFirst();
    }
}
