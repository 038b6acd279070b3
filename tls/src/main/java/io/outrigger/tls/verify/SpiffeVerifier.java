package io.outrigger.tls.verify;

import io.outrigger.tls.identity.InvalidSvidException;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.identity.SvidCertificates;
import io.outrigger.tls.identity.TrustBundle;
import io.outrigger.tls.identity.TrustBundles;
import io.outrigger.tls.identity.TrustDomain;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies a peer's certificate chain the SPIFFE way: the leaf must be an X.509-SVID; its trust domain
 * selects the trust bundle (no bundle: {@link FailureReason#UNKNOWN_CA}); every certificate must be within
 * its validity at {@code clock}'s time; the chain must verify (PKIX, no revocation) to that bundle; and the
 * SAN matchers, if any, must accept the leaf. Host names are never checked: SVIDs carry no DNS name.
 * Immutable and thread-safe; rebuilt when bundles or matchers change.
 */
public final class SpiffeVerifier {
    private final Map<TrustDomain, Set<TrustAnchor>> anchors;
    private final Map<TrustDomain, Set<X509Certificate>> authorities;
    private final List<SanMatcher> sanMatchers;
    private final Clock clock;

    /**
     * @param bundles the trust bundle of every trust domain we accept peers from
     * @param sanMatchers empty: any SPIFFE ID that verifies is accepted
     * @param clock the time certificates are checked at
     */
    public SpiffeVerifier(TrustBundles bundles, List<SanMatcher> sanMatchers, Clock clock) {
        Objects.requireNonNull(bundles, "bundles");
        this.sanMatchers = List.copyOf(sanMatchers);
        this.clock = Objects.requireNonNull(clock, "clock");
        Map<TrustDomain, Set<TrustAnchor>> a = new HashMap<>();
        Map<TrustDomain, Set<X509Certificate>> c = new HashMap<>();
        for (TrustBundle b : bundles.byDomain().values()) {
            Set<TrustAnchor> set = new HashSet<>();
            for (X509Certificate cert : b.authorities()) {
                set.add(new TrustAnchor(cert, null));
            }
            a.put(b.trustDomain(), Set.copyOf(set));
            c.put(b.trustDomain(), Set.copyOf(b.authorities()));
        }
        this.anchors = Map.copyOf(a);
        this.authorities = Map.copyOf(c);
    }

    /**
     * Verifies {@code chain} (leaf first, as presented by the peer).
     *
     * @param chain null or empty when the peer presented no certificate
     */
    public Verdict verify(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return Verdict.rejected(null, FailureReason.NO_CLIENT_CERT, "the peer presented no certificate");
        }
        X509Certificate leaf = chain[0];
        SpiffeId id;
        try {
            id = SvidCertificates.spiffeIdOf(leaf);
        } catch (InvalidSvidException e) {
            return Verdict.rejected(null, FailureReason.BAD_SVID, e.getMessage());
        }
        Set<TrustAnchor> domainAnchors = anchors.get(id.trustDomain());
        if (domainAnchors == null) {
            return Verdict.rejected(id, FailureReason.UNKNOWN_CA,
                    "no trust bundle for trust domain " + id.trustDomain() + " (peer " + id + ")");
        }
        Date now = Date.from(clock.instant());
        for (X509Certificate c : chain) {
            try {
                c.checkValidity(now);
            } catch (CertificateExpiredException e) {
                return Verdict.rejected(id, FailureReason.EXPIRED, "certificate '" + c.getSubjectX500Principal().getName()
                        + "' of " + id + " expired at " + c.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                return Verdict.rejected(id, FailureReason.NOT_YET_VALID, "certificate '"
                        + c.getSubjectX500Principal().getName() + "' of " + id + " is not valid before "
                        + c.getNotBefore().toInstant());
            }
        }
        String pathError = verifyPath(chain, domainAnchors, authorities.get(id.trustDomain()), now);
        if (pathError != null) {
            return Verdict.rejected(id, FailureReason.UNKNOWN_CA, "chain of " + id + " does not verify to the bundle of "
                    + id.trustDomain() + ": " + pathError);
        }
        if (!sanMatchers.isEmpty() && !sanMatches(leaf)) {
            return Verdict.rejected(id, FailureReason.SAN_MISMATCH, "peer " + id + " matches none of " + sanMatchers);
        }
        return Verdict.accepted(id);
    }

    private boolean sanMatches(X509Certificate leaf) {
        Map<SanMatcher.SanType, List<String>> byType = new HashMap<>(4);
        for (SanMatcher m : sanMatchers) {
            List<String> sans = byType.computeIfAbsent(m.sanType(), t -> sansOf(leaf, t));
            for (String s : sans) {
                if (m.matches(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> sansOf(X509Certificate leaf, SanMatcher.SanType type) {
        List<String> out = new ArrayList<>(2);
        try {
            var all = leaf.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> san : all) {
                    if (san.get(0) instanceof Integer t && t == type.generalNameTag() && san.get(1) instanceof String s) {
                        out.add(s);
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
        return out;
    }

    private static String verifyPath(X509Certificate[] chain, Set<TrustAnchor> anchors, Set<X509Certificate> roots,
            Date now) {
        List<X509Certificate> path = new ArrayList<>(chain.length);
        for (X509Certificate c : chain) {
            // A peer may send its root along; PKIX wants the path without the anchor.
            if (!roots.contains(c)) {
                path.add(c);
            }
        }
        if (path.isEmpty()) {
            return "the peer presented a trust anchor as its leaf";
        }
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(now);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path),
                    params);
            return null;
        } catch (GeneralSecurityException e) {
            return e.getMessage();
        }
    }
}
