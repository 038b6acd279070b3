package io.outrigger.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chain selection on what tls_inspector detects, as Envoy documents FilterChainMatch: server names
 * (exact before the longest wildcard, then chains without names), transport protocol, then application
 * protocols, each step preferring the chains that name the value over those that leave it empty.
 */
class TlsChainSelectionTest {
    private static final byte[] IP = InetAddress.ofLiteral("10.0.0.7").getAddress();

    private static FilterChainSelector.Candidate<String> chain(List<String> names, String transport, List<String> alpn,
                                                               String id) {
        return new FilterChainSelector.Candidate<>(new FilterChainMatchSpec(null, List.of(), names, transport, alpn), id);
    }

    @Test
    void permissiveListenerSendsTlsToTheTlsChainAndPlaintextToTheRawBufferChain() {
        FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
                chain(List.of(), "tls", List.of("istio-peer-exchange", "istio"), "mtls"),
                chain(List.of(), "raw_buffer", List.of(), "plaintext")), null);

        assertThat(s.select(IP, 8080, null, "tls", List.of("istio-peer-exchange", "istio", "h2"))).isEqualTo("mtls");
        assertThat(s.select(IP, 8080, null, "raw_buffer", List.of())).isEqualTo("plaintext");
        assertThat(s.select(IP, 8080)).as("no inspector: raw_buffer").isEqualTo("plaintext");
    }

    @Test
    void strictListenerHasNoChainForPlaintextAndFallsBackToTheDefault() {
        FilterChainSelector<String> strict = new FilterChainSelector<>(List.of(chain(List.of(), "tls", List.of(), "mtls")), null);
        assertThat(strict.select(IP, 8080, null, "raw_buffer", List.of())).isNull();
        FilterChainSelector<String> withDefault = new FilterChainSelector<>(
                List.of(chain(List.of(), "tls", List.of(), "mtls")), "default");
        assertThat(withDefault.select(IP, 8080, null, "raw_buffer", List.of())).isEqualTo("default");
    }

    @Test
    void exactServerNameBeatsTheLongestWildcardWhichBeatsAShorterOneAndNoName() {
        FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
                chain(List.of("*.example.com"), null, List.of(), "wide"),
                chain(List.of("*.api.example.com"), null, List.of(), "narrow"),
                chain(List.of("v1.api.example.com"), null, List.of(), "exact"),
                chain(List.of(), null, List.of(), "none")), null);

        assertThat(s.select(IP, 443, "v1.api.example.com", "tls", List.of())).isEqualTo("exact");
        assertThat(s.select(IP, 443, "V2.API.example.com", "tls", List.of())).isEqualTo("narrow");
        assertThat(s.select(IP, 443, "www.example.com", "tls", List.of())).isEqualTo("wide");
        assertThat(s.select(IP, 443, "example.com", "tls", List.of())).as("a wildcard needs a label").isEqualTo("none");
        assertThat(s.select(IP, 443, null, "tls", List.of())).isEqualTo("none");
    }

    @Test
    void chainsWithoutALaterCriterionMatchWhenTheMoreSpecificOnesFailIt() {
        // Envoy does not backtrack: the server-name step keeps only "named"; ALPN "h2" then fails it -> default.
        FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
                chain(List.of("svc.local"), "tls", List.of("istio"), "named"),
                chain(List.of(), "tls", List.of(), "unnamed")), "default");
        assertThat(s.select(IP, 443, "svc.local", "tls", List.of("h2"))).isEqualTo("default");
        assertThat(s.select(IP, 443, "other.local", "tls", List.of("h2"))).isEqualTo("unnamed");
    }
}
