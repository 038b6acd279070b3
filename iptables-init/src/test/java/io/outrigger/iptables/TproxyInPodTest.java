package io.outrigger.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.iptables.testkit.ExecResult;
import io.outrigger.iptables.testkit.Pod;
import io.outrigger.iptables.testkit.PodNetwork;
import io.outrigger.iptables.testkit.PodProcess;
import io.outrigger.iptables.testkit.PortTagServer;
import io.outrigger.iptables.testkit.TcpProbe;
import io.outrigger.iptables.testkit.TransparentTagServer;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TPROXY inbound mode in a pod: the policy route and the mangle rules are installed, an inbound
 * connection reaches a transparent listener on 15006 with its original destination intact (the
 * accepted socket's local address), and the proxy's own connection to the app from
 * {@code 127.0.0.6} goes straight to the app.
 */
class TproxyInPodTest {

    static final int APP_UID = 1000;
    static final int PROXY_UID = 1337;

    static PodNetwork net;
    static Pod a;
    static Pod b;

    @BeforeAll
    static void startPods() {
        PodNetwork.requireRoot();
        net = PodNetwork.create(PodNetwork.ipv6Supported());
        a = net.addPod("a");
        b = net.addPod("b");
        // IP_TRANSPARENT needs CAP_NET_ADMIN: the proxy gets it in TPROXY mode; here it runs as root.
        a.startJava(-1, TransparentTagServer.class, "a", "15006").awaitLine("READY", Duration.ofSeconds(60));
        if (a.ipv6() != null) {
            a.startJava(-1, TransparentTagServer.class, "a", "15006", "ipv6").awaitLine("READY", Duration.ofSeconds(60));
        }
        a.startJava(PROXY_UID, PortTagServer.class, "a", "tcp:15001").awaitLine("READY", Duration.ofSeconds(60));
        a.startJava(APP_UID, PortTagServer.class, "a", "tcp:8080").awaitLine("READY", Duration.ofSeconds(60));
        b.startJava(-1, PortTagServer.class, "b", "tcp:8080").awaitLine("READY", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopPods() {
        if (net != null) {
            net.close();
        }
    }

    @AfterEach
    void removeRules() {
        for (String mode : new String[] {"nft", "legacy"}) {
            a.runIptablesInit("--cleanup", "--iptables-mode", mode).orFail("cleanup " + mode);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nft", "legacy"})
    void inboundConnectionReachesTransparentListenerWithItsOriginalDestination(String mode) {
        ExecResult r = a.runIptablesInit("-m", "TPROXY", "--iptables-mode", mode, "--ipv6", "off");
        assertThat(r.exitCode()).as(r.toString()).isZero();

        assertThat(a.exec("ip", "-4", "rule").stdout()).contains("fwmark 0x539 lookup 133");
        assertThat(a.exec("ip", "-4", "route", "show", "table", "133").stdout()).contains("local default dev lo");
        assertThat(b.tcpFirstLine(APP_UID, a.ipv4(), 8080)).isEqualTo("a:15006 to " + a.ipv4() + ":8080");
        assertThat(b.tcpFirstLine(APP_UID, a.ipv4(), 9000)).isEqualTo("a:15006 to " + a.ipv4() + ":9000");
        // Outbound capture is unchanged by the inbound mode.
        assertThat(a.tcpFirstLine(APP_UID, b.ipv4(), 8080)).isEqualTo("a:15001");
        assertThat(probe(PROXY_UID, "127.0.0.6", a.ipv4(), 8080)).isEqualTo("REPLY a:8080");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nft", "legacy"})
    void ipv6InboundConnectionReachesTransparentListenerThroughIp6tablesRules(String mode) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(a.ipv6() != null, "skipped: this kernel has no IPv6");
        ExecResult r = a.runIptablesInit("-m", "TPROXY", "--iptables-mode", mode, "--ipv6", "on");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String podAddress = java.net.InetAddress.ofLiteral(a.ipv6()).getHostAddress();

        assertThat(a.exec("ip", "-6", "rule").stdout()).contains("fwmark 0x539 lookup 133");
        assertThat(a.exec("ip", "-6", "route", "show", "table", "133").stdout()).contains("local default dev lo");
        assertThat(b.tcpFirstLine(APP_UID, a.ipv6(), 8080)).isEqualTo("a:15006 to " + podAddress + ":8080");
        assertThat(b.tcpFirstLine(APP_UID, a.ipv4(), 8080)).isEqualTo("a:15006 to " + a.ipv4() + ":8080");
        assertThat(a.tcpFirstLine(APP_UID, b.ipv6(), 8080)).isEqualTo("a:15001");
        assertThat(probe(PROXY_UID, "::6", a.ipv6(), 8080)).isEqualTo("REPLY a:8080");
    }

    private static String probe(int uid, String source, String host, int port) {
        PodProcess p = a.startJava(uid, TcpProbe.class, source, host, Integer.toString(port));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !p.isAlive());
        return p.outputLines().isEmpty() ? null : p.outputLines().getFirst();
    }
}
