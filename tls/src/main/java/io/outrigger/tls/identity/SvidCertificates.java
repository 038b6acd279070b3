package io.outrigger.tls.identity;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Reads SPIFFE identities out of X.509 certificates (X509-SVID specification, section 4). */
public final class SvidCertificates {
    /** GeneralName tag of a uniformResourceIdentifier (RFC 5280 4.2.1.6). */
    static final int URI_SAN = 6;

    private SvidCertificates() {
    }

    /**
     * The SPIFFE ID of an SVID leaf certificate.
     *
     * @throws InvalidSvidException when the certificate has zero or several URI SANs, a URI SAN that is not a
     *         valid SPIFFE ID, a SPIFFE ID without a path, or is a CA certificate
     */
    public static SpiffeId spiffeIdOf(X509Certificate leaf) {
        Objects.requireNonNull(leaf, "leaf");
        List<String> uris = uriSans(leaf);
        String subject = leaf.getSubjectX500Principal().getName();
        if (uris.isEmpty()) {
            throw new InvalidSvidException("certificate '" + subject + "' has no URI SAN (an SVID has exactly one)");
        }
        if (uris.size() > 1) {
            throw new InvalidSvidException("certificate '" + subject + "' has " + uris.size() + " URI SANs " + uris
                    + " (an SVID has exactly one)");
        }
        SpiffeId id;
        try {
            id = SpiffeId.parse(uris.getFirst());
        } catch (InvalidSpiffeIdException e) {
            throw new InvalidSvidException("certificate '" + subject + "': URI SAN " + e.getMessage(), e);
        }
        if (id.path().isEmpty()) {
            throw new InvalidSvidException("certificate '" + subject + "': SPIFFE ID " + id
                    + " has no path (a leaf SVID names a workload, not a trust domain)");
        }
        if (leaf.getBasicConstraints() >= 0) {
            throw new InvalidSvidException("certificate '" + subject + "' is a CA certificate (an SVID leaf must not be)");
        }
        return id;
    }

    /** All URI subject alternative names of a certificate, in order. */
    public static List<String> uriSans(X509Certificate cert) {
        return sans(cert, URI_SAN);
    }

    /** All subject alternative names of the given GeneralName tag (2 DNS, 6 URI, 7 IP, 1 email). */
    static List<String> sans(X509Certificate cert, int tag) {
        Collection<List<?>> all;
        try {
            all = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new InvalidSvidException("certificate '" + cert.getSubjectX500Principal().getName()
                    + "': unreadable subjectAltName extension", e);
        }
        if (all == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(2);
        for (List<?> san : all) {
            if (san.size() >= 2 && san.get(0) instanceof Integer t && t == tag && san.get(1) instanceof String s) {
                out.add(s);
            }
        }
        return out;
    }
}
