package io.outrigger.tls.testing;

import io.outrigger.tls.ca.CertificateAuthority;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Deliberately malformed leaves (for BAD_SVID), signed by a real CA so only the SVID rules fail. */
public final class Certificates {
    private Certificates() {
    }

    /** A leaf and its key. */
    public record Leaf(X509Certificate certificate, KeyPair keyPair) {
    }

    /** A leaf signed by {@code ca} with the given SANs (GeneralName tag, value) and CA flag. */
    public static Leaf leaf(CertificateAuthority ca, List<GeneralName> sans, boolean isCa) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return leaf(ca, sans, isCa, g.generateKeyPair());
    }

    /** A leaf for a given key pair (EC or RSA). */
    public static Leaf leaf(CertificateAuthority ca, List<GeneralName> sans, boolean isCa, KeyPair kp) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofMinutes(1))),
                Date.from(now.plus(Duration.ofHours(1))), new X500Name("O=test"), kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!sans.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
        }
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.privateKey())));
        return new Leaf(cert, kp);
    }

    public static GeneralName uri(String value) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, value);
    }

    public static GeneralName dns(String value) {
        return new GeneralName(GeneralName.dNSName, value);
    }
}
