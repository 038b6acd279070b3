package io.outrigger.iptables.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pod kit itself: pods can reach each other, names fit Linux limits, teardown leaves nothing. */
class PodNetworkTest {

    @BeforeAll
    static void root() {
        PodNetwork.requireRoot();
    }

    @Test
    void podsReachEachOtherOverIpv4AndIpv6AndCommandsRunAsTheGivenUid() {
        try (PodNetwork net = PodNetwork.create(PodNetwork.ipv6Supported())) {
            Pod a = net.addPod("a");
            Pod b = net.addPod("b");
            b.startJava(-1, PortTagServer.class, "b", "tcp:7000").awaitLine("READY", Duration.ofSeconds(60));

            assertThat(a.tcpFirstLine(1000, b.ipv4(), 7000)).isEqualTo("b:7000");
            if (PodNetwork.ipv6Supported()) {
                assertThat(a.tcpFirstLine(1000, b.ipv6(), 7000)).isEqualTo("b:7000");
            }
            assertThat(a.execAs(1234, "id", "-u").stdout().strip()).isEqualTo("1234");
            assertThat(a.execAs(1234, "id", "-g").stdout().strip()).isEqualTo("1234");
            assertThat(a.exec("ip", "-br", "link", "show", "lo").stdout()).contains("UNKNOWN");
        }
    }

    @Test
    void closeRemovesNamespacesLinksAndProcessesAndIsIdempotent() {
        PodNetwork net = PodNetwork.create();
        Pod a = net.addPod("a");
        PodProcess sleeper = a.start("sleep", "600");
        // A process started by exec that outlives it must not keep the namespace alive.
        a.exec("bash", "-c", "setsid sleep 600 >/dev/null 2>&1 < /dev/null &").orFail("background sleep");
        String bridge = net.bridge();
        assertThat(bridge.length()).isLessThanOrEqualTo(15);
        assertThat(Commands.run("ip", "netns", "list").stdout()).contains(a.netns());

        net.close();
        net.close();

        assertThat(sleeper.isAlive()).isFalse();
        assertThat(Commands.run("ip", "netns", "list").stdout()).doesNotContain(a.netns());
        assertThat(Commands.run("ip", "link", "show", bridge).ok()).isFalse();
        assertThat(Commands.run("ip", "-br", "link").stdout()).doesNotContain("orv" + bridge.substring(3));
    }

    @Test
    void twoNetworksAtOnceDoNotCollide() {
        try (PodNetwork one = PodNetwork.create(); PodNetwork two = PodNetwork.create()) {
            Pod a1 = one.addPod("a");
            Pod a2 = two.addPod("a");

            assertThat(one.bridge()).isNotEqualTo(two.bridge());
            assertThat(a1.netns()).isNotEqualTo(a2.netns());
            assertThat(a1.exec("true").ok()).isTrue();
            assertThat(a2.exec("true").ok()).isTrue();
        }
    }
}
