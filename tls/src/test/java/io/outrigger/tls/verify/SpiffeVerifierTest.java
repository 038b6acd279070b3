package io.outrigger.tls.verify;

import static io.outrigger.tls.testing.Certificates.dns;
import static io.outrigger.tls.testing.Certificates.leaf;
import static io.outrigger.tls.testing.Certificates.uri;
import static io.outrigger.tls.testing.Pki.BACKEND;
import static io.outrigger.tls.testing.Pki.FRONTEND;
import static io.outrigger.tls.testing.Pki.LOCAL_CA;
import static io.outrigger.tls.testing.Pki.REMOTE_CA;
import static io.outrigger.tls.testing.Pki.REMOTE_CLIENT;
import static io.outrigger.tls.testing.Pki.ROGUE_LOCAL_CA;
import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundles;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpiffeVerifierTest {
    private static final TrustBundles LOCAL_ONLY = TrustBundles.of(LOCAL_CA.bundle());
    private final Svid frontend = LOCAL_CA.issue(FRONTEND, Duration.ofHours(1), "east");

    private static SpiffeVerifier verifier(TrustBundles bundles, List<SanMatcher> matchers) {
        return new SpiffeVerifier(bundles, matchers, Clock.systemUTC());
    }

    private static SpiffeVerifier at(Instant now) {
        return new SpiffeVerifier(LOCAL_ONLY, List.of(), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void svidChainingThroughAnIntermediateToItsDomainsBundleIsAccepted() {
        Verdict v = verifier(LOCAL_ONLY, List.of()).verify(frontend.chainArray());
        assertThat(v.ok()).isTrue();
        assertThat(v.peer()).isEqualTo(FRONTEND);
    }

    @Test
    void peerSendingItsRootAlongIsStillAccepted() {
        X509Certificate[] withRoot = {frontend.chain().get(0), frontend.chain().get(1), LOCAL_CA.root().certificate()};
        assertThat(verifier(LOCAL_ONLY, List.of()).verify(withRoot).ok()).isTrue();
    }

    @Test
    void certificateIsExpiredOneSecondAfterNotAfter() {
        Instant notAfter = frontend.notAfter();
        assertThat(at(notAfter).verify(frontend.chainArray()).ok()).isTrue();
        Verdict v = at(notAfter.plusSeconds(1)).verify(frontend.chainArray());
        assertThat(v.failure()).isEqualTo(FailureReason.EXPIRED);
        assertThat(v.detail()).contains("expired at " + notAfter);
    }

    @Test
    void certificateIsNotYetValidBeforeNotBefore() {
        Instant notBefore = frontend.leaf().getNotBefore().toInstant();
        Verdict v = at(notBefore.minusSeconds(1)).verify(frontend.chainArray());
        assertThat(v.failure()).isEqualTo(FailureReason.NOT_YET_VALID);
        assertThat(v.peer()).isEqualTo(FRONTEND);
    }

    @Test
    void peerOfATrustDomainWithoutBundleIsAnUnknownCa() {
        Verdict v = verifier(LOCAL_ONLY, List.of()).verify(REMOTE_CA.issue(REMOTE_CLIENT, Duration.ofHours(1)).chainArray());
        assertThat(v.failure()).isEqualTo(FailureReason.UNKNOWN_CA);
        assertThat(v.detail()).contains("no trust bundle for trust domain cluster2.example");
    }

    @Test
    void bundleOfAnotherDomainNeverVouchesForThisDomain() {
        // The remote root signs a cluster.local identity: it is checked against cluster.local's bundle only.
        Svid forged = ROGUE_LOCAL_CA.issue(BACKEND, Duration.ofHours(1));
        TrustBundles both = TrustBundles.of(LOCAL_CA.bundle(), REMOTE_CA.bundle());
        Verdict v = verifier(both, List.of()).verify(forged.chainArray());
        assertThat(v.failure()).isEqualTo(FailureReason.UNKNOWN_CA);
        assertThat(v.detail()).contains("does not verify to the bundle of cluster.local");
    }

    @Test
    void emptyChainMeansNoClientCertificate() {
        assertThat(verifier(LOCAL_ONLY, List.of()).verify(new X509Certificate[0]).failure())
                .isEqualTo(FailureReason.NO_CLIENT_CERT);
    }

    @Test
    void leafWithoutUriSanIsABadSvid() throws Exception {
        var l = leaf(LOCAL_CA.root(), List.of(dns("backend.prod.svc")), false);
        Verdict v = verifier(LOCAL_ONLY, List.of()).verify(new X509Certificate[] {l.certificate()});
        assertThat(v.failure()).isEqualTo(FailureReason.BAD_SVID);
        assertThat(v.detail()).contains("no URI SAN");
    }

    @Test
    void leafWithTwoUriSansIsABadSvid() throws Exception {
        var l = leaf(LOCAL_CA.root(), List.of(uri(FRONTEND.toString()), uri(BACKEND.toString())), false);
        Verdict v = verifier(LOCAL_ONLY, List.of()).verify(new X509Certificate[] {l.certificate()});
        assertThat(v.failure()).isEqualTo(FailureReason.BAD_SVID);
        assertThat(v.detail()).contains("has 2 URI SANs");
    }

    @Test
    void leafWhoseUriIsNotASpiffeIdIsABadSvid() throws Exception {
        var l = leaf(LOCAL_CA.root(), List.of(uri("https://cluster.local/ns/prod/sa/x")), false);
        Verdict v = verifier(LOCAL_ONLY, List.of()).verify(new X509Certificate[] {l.certificate()});
        assertThat(v.failure()).isEqualTo(FailureReason.BAD_SVID);
        assertThat(v.detail()).contains("scheme must be 'spiffe://'");
    }

    @Test
    void caCertificateAsLeafIsABadSvid() throws Exception {
        var l = leaf(LOCAL_CA.root(), List.of(uri(FRONTEND.toString())), true);
        Verdict v = verifier(LOCAL_ONLY, List.of()).verify(new X509Certificate[] {l.certificate()});
        assertThat(v.failure()).isEqualTo(FailureReason.BAD_SVID);
        assertThat(v.detail()).contains("is a CA certificate");
    }

    @Test
    void anyMatchingSanMatcherAcceptsThePeerAsInEnvoy() {
        List<SanMatcher> matchers = List.of(SanMatcher.uriExact("spiffe://cluster.local/ns/prod/sa/other"),
                SanMatcher.uriSuffix("/sa/frontend"));
        assertThat(verifier(LOCAL_ONLY, matchers).verify(frontend.chainArray()).ok()).isTrue();
    }

    @Test
    void sanMatcherKindsFollowEnvoysStringMatcher() {
        String id = FRONTEND.toString(); // spiffe://cluster.local/ns/prod/sa/frontend
        assertThat(SanMatcher.uriExact(id).matches(id)).isTrue();
        assertThat(SanMatcher.uriExact(id).matches(id + "2")).isFalse();
        assertThat(SanMatcher.uriPrefix("spiffe://cluster.local/").matches(id)).isTrue();
        assertThat(SanMatcher.uriPrefix("spiffe://cluster.local.evil/").matches(id)).isFalse();
        assertThat(SanMatcher.uriSuffix("/sa/frontend").matches(id)).isTrue();
        assertThat(SanMatcher.uriContains("/ns/prod/").matches(id)).isTrue();
        assertThat(SanMatcher.uriContains("/ns/dev/").matches(id)).isFalse();
        var ignoreCase = new SanMatcher(SanMatcher.SanType.URI, SanMatcher.Kind.EXACT, id.toUpperCase(), true);
        assertThat(ignoreCase.matches(id)).isTrue();
    }

    @Test
    void matcherOfAnotherSanTypeDoesNotLookAtTheUri() {
        var dnsMatcher = new SanMatcher(SanMatcher.SanType.DNS, SanMatcher.Kind.CONTAINS, "frontend", false);
        Verdict v = verifier(LOCAL_ONLY, List.of(dnsMatcher)).verify(frontend.chainArray());
        assertThat(v.failure()).isEqualTo(FailureReason.SAN_MISMATCH);
        assertThat(v.peer()).isEqualTo(FRONTEND);
    }

    @Test
    void emptyPrefixMatcherIsRejectedLikeEnvoysValidation() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SanMatcher.uriPrefix(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix: empty");
    }
}
