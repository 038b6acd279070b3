package io.outrigger.tls.identity;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The X.509 authorities of one trust domain: peers whose SPIFFE ID is in {@code trustDomain} must chain to
 * one of them.
 *
 * @param trustDomain the trust domain these authorities vouch for
 * @param authorities the root (or pinned intermediate) certificates, at least one
 */
public record TrustBundle(TrustDomain trustDomain, List<X509Certificate> authorities) {
    /**
     * A bundle from PEM (an SDS {@code validation_context}'s {@code trusted_ca}, Istio's {@code root-cert.pem}).
     *
     * @param source names the origin in error messages
     * @throws PemException when the PEM holds no valid certificate
     */
    public static TrustBundle fromPem(TrustDomain trustDomain, byte[] pem, String source) {
        return new TrustBundle(trustDomain, Pem.certificates(pem, source));
    }

    public TrustBundle {
        Objects.requireNonNull(trustDomain, "trustDomain");
        authorities = List.copyOf(authorities);
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("authorities of " + trustDomain + ": empty (expected: at least one certificate)");
        }
    }
}
