package io.outrigger.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Filter chain selection as Envoy documents it for {@code FilterChainMatch}: criteria in order
 * (destination port, destination IP, server name, transport protocol, application protocols), the
 * most specific match wins at each step, and there is no backtracking to less specific chains.
 */
class FilterChainSelectorTest {
    private static FilterChainMatchSpec match(Integer port, List<String> prefixes) {
        return new FilterChainMatchSpec(port, prefixes, List.of(), null, List.of());
    }

    private static byte[] ip(String literal) {
        return InetAddress.ofLiteral(literal).getAddress();
    }

    @Test
    void exactDestinationPortBeatsAChainWithoutAPort() {
        FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
                new FilterChainSelector.Candidate<>(match(null, List.of()), "any"),
                new FilterChainSelector.Candidate<>(match(8080, List.of()), "8080")), null);

        assertThat(s.select(ip("10.0.0.1"), 8080)).isEqualTo("8080");
        assertThat(s.select(ip("10.0.0.1"), 9090)).isEqualTo("any");
    }

    @Test
    void longestMatchingPrefixWins() {
        FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
                new FilterChainSelector.Candidate<>(match(null, List.of("10.0.0.0/8")), "/8"),
                new FilterChainSelector.Candidate<>(match(null, List.of("10.1.0.0/16")), "/16"),
                new FilterChainSelector.Candidate<>(match(null, List.of()), "any")), null);

        assertThat(s.select(ip("10.1.2.3"), 80)).isEqualTo("/16");
        assertThat(s.select(ip("10.2.2.3"), 80)).isEqualTo("/8");
        assertThat(s.select(ip("192.168.0.1"), 80)).isEqualTo("any");
    }

    @Test
    void ipv6PrefixesMatchOnlyIpv6Destinations() {
        FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
                new FilterChainSelector.Candidate<>(match(null, List.of("::1/128")), "v6-loopback")), "default");

        assertThat(s.select(ip("::1"), 80)).isEqualTo("v6-loopback");
        assertThat(s.select(ip("127.0.0.1"), 80)).isEqualTo("default");
    }

    @Test
    void portIsDecidedBeforeIpWithoutBacktracking() {
        // Envoy picks the port-specific chains first; when none of those matches the IP, the result
        // is the default chain, not the IP-specific chain without a port.
        FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
                new FilterChainSelector.Candidate<>(match(80, List.of("192.168.0.0/16")), "80+192.168"),
                new FilterChainSelector.Candidate<>(match(null, List.of("10.0.0.0/8")), "10/8")), "default");

        assertThat(s.select(ip("10.0.0.1"), 80)).isEqualTo("default");
        assertThat(s.select(ip("10.0.0.1"), 81)).isEqualTo("10/8");
    }

    @Test
    void plaintextConnectionsNeverMatchChainsThatNeedTlsSniOrAlpn() {
        FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
                new FilterChainSelector.Candidate<>(new FilterChainMatchSpec(null, List.of(), List.of(), "tls",
                        List.of()), "tls"),
                new FilterChainSelector.Candidate<>(new FilterChainMatchSpec(null, List.of(), List.of("a.example"),
                        null, List.of()), "sni"),
                new FilterChainSelector.Candidate<>(new FilterChainMatchSpec(null, List.of(), List.of(), null,
                        List.of("h2")), "alpn"),
                new FilterChainSelector.Candidate<>(new FilterChainMatchSpec(null, List.of(), List.of(), "raw_buffer",
                        List.of()), "raw")), null);

        assertThat(s.select(ip("10.0.0.1"), 80)).isEqualTo("raw");
    }

    @Test
    void noMatchAndNoDefaultChainSelectsNothing() {
        FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
                new FilterChainSelector.Candidate<>(match(443, List.of()), "443")), null);

        assertThat(s.select(ip("10.0.0.1"), 80)).isNull();
    }
}
