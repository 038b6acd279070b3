package io.outrigger.tls.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outrigger.tls.identity.InvalidSpiffeIdException.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SPIFFE-ID specification (section 2), rule by rule. */
class SpiffeIdTest {
    @Test
    void validIdIsSplitIntoTrustDomainAndPath() {
        SpiffeId id = SpiffeId.parse("spiffe://prod.example-1_a.org/payments/web-fe.v2_1");
        assertThat(id.trustDomain()).isEqualTo(new TrustDomain("prod.example-1_a.org"));
        assertThat(id.path()).isEqualTo("/payments/web-fe.v2_1");
        assertThat(id).hasToString("spiffe://prod.example-1_a.org/payments/web-fe.v2_1");
    }

    @Test
    void trustDomainIdHasAnEmptyPath() {
        SpiffeId id = SpiffeId.parse("spiffe://cluster.local");
        assertThat(id.path()).isEmpty();
        assertThat(TrustDomain.of("spiffe://cluster.local")).isEqualTo(new TrustDomain("cluster.local"));
        assertThat(new TrustDomain("cluster.local").id()).isEqualTo(id);
    }

    @Test
    void pathSegmentsMayUseUppercaseLettersButTheTrustDomainMayNot() {
        assertThat(SpiffeId.parse("spiffe://example.org/Ns/PROD").path()).isEqualTo("/Ns/PROD");
        assertRule("spiffe://Example.org/x", Rule.TRUST_DOMAIN_CHARACTERS);
    }

    @ParameterizedTest(name = "{0} breaks {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                      | EMPTY
            example.org/workload                    | WRONG_SCHEME
            https://example.org/workload            | WRONG_SCHEME
            SPIFFE://example.org/workload           | WRONG_SCHEME
            spiffe:/example.org/workload            | WRONG_SCHEME
            spiffe:///workload                      | MISSING_TRUST_DOMAIN
            spiffe://                               | MISSING_TRUST_DOMAIN
            spiffe://example.org:8443/workload      | PORT
            spiffe://user@example.org/workload      | USERINFO
            spiffe://user:pw@example.org/workload   | USERINFO
            spiffe://example.org/workload?x=1       | QUERY
            spiffe://example.org/workload#frag      | FRAGMENT
            spiffe://exa mple.org/workload          | TRUST_DOMAIN_CHARACTERS
            spiffe://exämple.org/workload           | TRUST_DOMAIN_CHARACTERS
            spiffe://example.org//workload          | EMPTY_SEGMENT
            spiffe://example.org/a//b               | EMPTY_SEGMENT
            spiffe://example.org/                   | TRAILING_SLASH
            spiffe://example.org/workload/          | TRAILING_SLASH
            spiffe://example.org/./workload         | DOT_SEGMENT
            spiffe://example.org/a/..               | DOT_SEGMENT
            spiffe://example.org/a%20b              | PATH_CHARACTERS
            spiffe://example.org/a b                | PATH_CHARACTERS
            spiffe://example.org/a~b                | PATH_CHARACTERS
            spiffe://example.org/ns/é               | PATH_CHARACTERS
            """)
    void invalidIdNamesTheRuleItBreaks(String input, Rule rule) {
        assertRule(input, rule);
    }

    @Test
    void dotsInsideASegmentAreAllowed() {
        assertThat(SpiffeId.parse("spiffe://example.org/.hidden/a..b/...").path()).isEqualTo("/.hidden/a..b/...");
    }

    @Test
    void trustDomainIsAtMost255Characters() {
        String td255 = "a".repeat(255);
        assertThat(new TrustDomain(td255).name()).hasSize(255);
        assertRule("spiffe://" + "a".repeat(256) + "/x", Rule.TRUST_DOMAIN_TOO_LONG);
    }

    @Test
    void idIsAtMost2048Bytes() {
        String prefix = "spiffe://example.org/";
        String ok = prefix + "a".repeat(2048 - prefix.length());
        assertThat(SpiffeId.parse(ok).toString()).hasSize(2048);
        assertRule(ok + "a", Rule.TOO_LONG);
        assertThatThrownBy(() -> SpiffeId.of("example.org", "/" + "a".repeat(2048)))
                .isInstanceOfSatisfying(InvalidSpiffeIdException.class, e -> assertThat(e.rule()).isEqualTo(Rule.TOO_LONG));
    }

    @Test
    void errorMessageQuotesTheInputAndStatesTheRule() {
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://example.org:443/x"))
                .hasMessage("invalid SPIFFE ID 'spiffe://example.org:443/x': trust domain must not include a port");
    }

    @Test
    void istioIdentityHelpers() {
        SpiffeId id = SpiffeId.istio("cluster.local", "default", "bookinfo-reviews");
        assertThat(id).hasToString("spiffe://cluster.local/ns/default/sa/bookinfo-reviews");
        assertThat(id.istioNamespace()).contains("default");
        assertThat(id.istioServiceAccount()).contains("bookinfo-reviews");
        assertThat(SpiffeId.parse("spiffe://cluster.local/workload/x").istioNamespace()).isEmpty();
        assertThat(SpiffeId.parse("spiffe://cluster.local/ns/a/sa/b/extra").istioServiceAccount()).isEmpty();
        assertRule(() -> SpiffeId.istio("cluster.local", "", "sa"), Rule.EMPTY_SEGMENT);
    }

    @Test
    void equalIdsHaveEqualStringsAndMembership() {
        assertThat(SpiffeId.parse("spiffe://a.org/x")).isEqualTo(SpiffeId.of("a.org", "/x"));
        assertThat(SpiffeId.parse("spiffe://a.org/x").memberOf(new TrustDomain("a.org"))).isTrue();
        assertThat(SpiffeId.parse("spiffe://a.org/x").memberOf(new TrustDomain("b.org"))).isFalse();
    }

    private static void assertRule(String input, Rule rule) {
        assertRule(() -> SpiffeId.parse(input), rule);
    }

    private static void assertRule(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Rule rule) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidSpiffeIdException.class, e -> {
            assertThat(e.rule()).isEqualTo(rule);
            assertThat(e.getMessage()).contains(rule.description());
        });
    }
}
