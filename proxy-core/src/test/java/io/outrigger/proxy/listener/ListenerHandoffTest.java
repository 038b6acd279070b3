package io.outrigger.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.proxy.stats.ListenerStats;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which listener a {@code use_original_dst} listener hands a redirected connection to, per Envoy's
 * listener docs: among the {@code bind_to_port: false} listeners, the one on exactly the original
 * destination, else the one on the wildcard address of that port, else none (the virtual
 * listener keeps it).
 */
class ListenerHandoffTest {
    private static final Stats STATS = new Stats();

    private static ListenerRuntime listener(String name, String ip, int port) {
        return listener(name, ip, port, false);
    }

    private static ListenerRuntime listener(String name, String ip, int port, boolean bindToPort) {
        ListenerSpec spec = new ListenerSpec(name, new SocketAddressSpec(ip, port), bindToPort, false, List.of(),
                List.of(), null);
        return new ListenerRuntime(spec, ListenerStats.bind(STATS, ip, port),
                new FilterChainSelector<ChainRuntime>(List.of(), null));
    }

    private static InetSocketAddress dst(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    @Test
    void exactAddressWinsOverTheWildcardListenerOfTheSamePort() {
        ListenerRuntime wildcard = listener("0.0.0.0_8080", "0.0.0.0", 8080);
        ListenerRuntime exact = listener("10.1.2.3_8080", "10.1.2.3", 8080);
        ListenerHandoff h = ListenerHandoff.of(List.of(wildcard, exact));
        assertThat(h.find(dst("10.1.2.3", 8080))).isSameAs(exact);
        assertThat(h.find(dst("10.9.9.9", 8080))).isSameAs(wildcard);
    }

    @Test
    void destinationWithoutAListenerOnItsPortIsNotHandedOver() {
        ListenerHandoff h = ListenerHandoff.of(List.of(listener("0.0.0.0_8080", "0.0.0.0", 8080)));
        assertThat(h.find(dst("10.1.2.3", 9090))).isNull();
        assertThat(ListenerHandoff.NONE.find(dst("10.1.2.3", 8080))).isNull();
    }

    @Test
    void wildcardListenersMatchOnlyTheirOwnAddressFamily() {
        ListenerRuntime v4 = listener("0.0.0.0_80", "0.0.0.0", 80);
        ListenerRuntime v6 = listener("[::]_443", "::", 443);
        ListenerHandoff h = ListenerHandoff.of(List.of(v4, v6));
        assertThat(h.find(dst("fd00::1", 80))).isNull();
        assertThat(h.find(dst("fd00::1", 443))).isSameAs(v6);
        assertThat(h.find(dst("10.0.0.1", 443))).isNull();
        assertThat(h.find(dst("10.0.0.1", 80))).isSameAs(v4);
    }

    @Test
    void listenerThatBindsItsOwnPortIsNeverAHandoffTarget() {
        // A pod's own health listener must not serve outbound traffic to another host's 15021.
        ListenerRuntime health = listener("health", "0.0.0.0", 15021, true);
        ListenerHandoff h = ListenerHandoff.of(List.of(health));
        assertThat(h.find(dst("10.1.2.3", 15021))).isNull();
        assertThat(h.find(dst("0.0.0.0", 15021))).isNull();
    }
}
