package io.outrigger.tls.identity;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Our own X.509-SVID: a certificate chain (leaf first, then intermediates) and the leaf's private key,
 * validated on construction. The value Envoy calls a {@code TlsCertificate} secret.
 *
 * @param spiffeId the identity the leaf carries
 * @param chain leaf first, then any intermediates (the root is not needed)
 * @param privateKey the key of the leaf
 */
public record Svid(SpiffeId spiffeId, List<X509Certificate> chain, PrivateKey privateKey) {
    public Svid {
        Objects.requireNonNull(spiffeId, "spiffeId");
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new InvalidSvidException("certificate chain is empty (expected: leaf first, then intermediates)");
        }
        SpiffeId inLeaf = SvidCertificates.spiffeIdOf(chain.getFirst());
        if (!inLeaf.equals(spiffeId)) {
            throw new InvalidSvidException("spiffeId " + spiffeId + " does not match the leaf's " + inLeaf);
        }
    }

    /**
     * Validates a chain and its key as an SVID: the leaf has exactly one URI SAN with a SPIFFE ID and the key
     * is the leaf's.
     *
     * @throws InvalidSvidException with the reason
     */
    public static Svid of(List<X509Certificate> chain, PrivateKey privateKey) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(privateKey, "privateKey");
        if (chain.isEmpty()) {
            throw new InvalidSvidException("certificate chain is empty (expected: leaf first, then intermediates)");
        }
        X509Certificate leaf = chain.getFirst();
        SpiffeId id = SvidCertificates.spiffeIdOf(leaf);
        checkKeyMatches(leaf, privateKey);
        return new Svid(id, chain, privateKey);
    }

    /**
     * An SVID from PEM (an SDS {@code tls_certificate}'s {@code certificate_chain} and {@code private_key}, or
     * files already read).
     *
     * @param source names the origin in error messages (a secret name, a path)
     * @throws PemException or {@link InvalidSvidException} with the reason
     */
    public static Svid fromPem(byte[] certificateChainPem, byte[] privateKeyPem, String source) {
        Objects.requireNonNull(source, "source");
        try {
            return of(Pem.certificates(certificateChainPem, source + " certificate_chain"),
                    Pem.privateKey(privateKeyPem, source + " private_key"));
        } catch (InvalidSvidException e) {
            throw new InvalidSvidException(source + ": " + e.getMessage(), e);
        }
    }

    /** The leaf certificate. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** When the leaf stops being valid. */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The leaf's serial number. */
    public BigInteger serial() {
        return leaf().getSerialNumber();
    }

    /** The chain as an array, as SSL APIs take it. */
    public X509Certificate[] chainArray() {
        return chain.toArray(X509Certificate[]::new);
    }

    @Override
    public String toString() {
        // Never print the key.
        return "Svid[" + spiffeId + ", serial " + serial().toString(16) + ", notAfter " + notAfter() + "]";
    }

    /**
     * Proves the key belongs to the certificate by signing and verifying: it works for every key type and is
     * only run when an identity is loaded, never per handshake.
     */
    private static void checkKeyMatches(X509Certificate leaf, PrivateKey key) {
        String alg = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new InvalidSvidException("private key algorithm " + key.getAlgorithm()
                    + " is not supported (expected: EC, RSA or Ed25519)");
        };
        if (!leaf.getPublicKey().getAlgorithm().equals(key.getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && leaf.getPublicKey().getAlgorithm().startsWith("Ed"))) {
            throw new InvalidSvidException("private key (" + key.getAlgorithm() + ") does not match the leaf certificate ("
                    + leaf.getPublicKey().getAlgorithm() + ")");
        }
        byte[] probe = "outrigger-key-match".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try {
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(leaf.getPublicKey());
            v.update(probe);
            if (!v.verify(sig)) {
                throw new InvalidSvidException("private key does not match the leaf certificate '"
                        + leaf.getSubjectX500Principal().getName() + "'");
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidSvidException("private key does not match the leaf certificate: " + e.getMessage(), e);
        }
    }
}
