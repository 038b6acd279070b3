package io.outrigger.tls.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A signing certificate and its key, with the chain up to (excluding) the root.
 *
 * @param certificate the CA certificate
 * @param privateKey its key
 * @param chainToRoot {@code certificate} followed by any intermediate above it; the root itself is not
 *                    included unless this is the root
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chainToRoot) {
    public CertificateAuthority {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        chainToRoot = List.copyOf(chainToRoot);
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
