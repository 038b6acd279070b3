package io.outrigger.tls.identity;

import static io.outrigger.tls.testing.Certificates.leaf;
import static io.outrigger.tls.testing.Certificates.uri;
import static io.outrigger.tls.testing.Pki.FRONTEND;
import static io.outrigger.tls.testing.Pki.LOCAL_CA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

class PemAndSvidTest {
    private static byte[] traditional(Object o) throws Exception {
        // JcaPEMWriter writes keys the OpenSSL way: "EC PRIVATE KEY" (SEC1) and "RSA PRIVATE KEY" (PKCS#1).
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void chainAndPkcs8KeyRoundTripIntoTheSameSvid() {
        Svid svid = LOCAL_CA.issue(FRONTEND, Duration.ofHours(1), "east");
        byte[] chainPem = Pem.encode(svid.chain());
        byte[] keyPem = Pem.encode(svid.privateKey());
        assertThat(new String(keyPem, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");
        Svid back = Svid.of(Pem.certificates(chainPem, "chain"), Pem.privateKey(keyPem, "key"));
        assertThat(back).isEqualTo(svid);
        assertThat(back.chain()).hasSize(2);
    }

    @Test
    void sec1EcKeyIsRead() throws Exception {
        Svid svid = LOCAL_CA.issue(FRONTEND, Duration.ofHours(1));
        // SEC1 as openssl writes it: d, the named curve and the public point.
        var ec = (java.security.interfaces.ECPrivateKey) svid.privateKey();
        byte[] point = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(svid.leaf().getPublicKey().getEncoded())
                .getPublicKeyData().getBytes();
        var der = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), new org.bouncycastle.asn1.DERBitString(point),
                org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1).getEncoded();
        StringWriter w = new StringWriter();
        try (var pw = new org.bouncycastle.util.io.pem.PemWriter(w)) {
            pw.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", der));
        }
        byte[] sec1 = w.toString().getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(sec1, StandardCharsets.US_ASCII)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(Svid.of(svid.chain(), Pem.privateKey(sec1, "key.pem")).spiffeId()).isEqualTo(FRONTEND);
    }

    @Test
    void rsaKeysInPkcs1AndPkcs8AreRead() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        var l = leaf(LOCAL_CA.root(), List.of(uri(FRONTEND.toString())), false, kp);
        byte[] pkcs1 = traditional(kp);
        assertThat(new String(pkcs1, StandardCharsets.US_ASCII)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Svid.of(List.of(l.certificate()), Pem.privateKey(pkcs1, "rsa.pem")).spiffeId()).isEqualTo(FRONTEND);
        assertThat(Svid.of(List.of(l.certificate()), Pem.privateKey(Pem.encode(kp.getPrivate()), "rsa8.pem")).spiffeId())
                .isEqualTo(FRONTEND);
    }

    @Test
    void keyOfAnotherCertificateIsRejected() throws Exception {
        Svid a = LOCAL_CA.issue(FRONTEND, Duration.ofHours(1));
        Svid b = LOCAL_CA.issue(FRONTEND, Duration.ofHours(1));
        assertThatThrownBy(() -> Svid.of(a.chain(), b.privateKey())).isInstanceOf(InvalidSvidException.class)
                .hasMessageContaining("private key does not match the leaf certificate");
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        assertThatThrownBy(() -> Svid.of(a.chain(), g.generateKeyPair().getPrivate()))
                .hasMessageContaining("private key (RSA) does not match the leaf certificate (EC)");
    }

    @Test
    void svidWithTwoUriSansOrNoneIsRejectedWithTheReason() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        var two = leaf(LOCAL_CA.root(), List.of(uri("spiffe://cluster.local/a"), uri("spiffe://cluster.local/b")), false, kp);
        assertThatThrownBy(() -> Svid.of(List.of(two.certificate()), kp.getPrivate()))
                .isInstanceOf(InvalidSvidException.class)
                .hasMessageContaining("has 2 URI SANs [spiffe://cluster.local/a, spiffe://cluster.local/b] (an SVID has exactly one)");
        var none = leaf(LOCAL_CA.root(), List.of(), false, kp);
        assertThatThrownBy(() -> Svid.of(List.of(none.certificate()), kp.getPrivate()))
                .hasMessageContaining("has no URI SAN (an SVID has exactly one)");
        var tdOnly = leaf(LOCAL_CA.root(), List.of(uri("spiffe://cluster.local")), false, kp);
        assertThatThrownBy(() -> Svid.of(List.of(tdOnly.certificate()), kp.getPrivate()))
                .hasMessageContaining("has no path");
    }

    @Test
    void garbagePemNamesTheSourceAndTheProblem() {
        assertThatThrownBy(() -> Pem.certificates("hello".getBytes(StandardCharsets.US_ASCII), "/etc/certs/cert-chain.pem"))
                .isInstanceOf(PemException.class)
                .hasMessage("/etc/certs/cert-chain.pem: no CERTIFICATE block found (expected PEM '-----BEGIN CERTIFICATE-----')");
        byte[] broken = "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> Pem.certificates(broken, "c.pem")).hasMessageStartingWith("c.pem: malformed PEM");
        Svid svid = LOCAL_CA.issue(FRONTEND, Duration.ofHours(1));
        assertThatThrownBy(() -> Pem.privateKey(Pem.encode(svid.chain()), "key.pem"))
                .hasMessageContaining("key.pem: no private key found");
        byte[] twoKeys = Pem.encode(svid.privateKey(), svid.privateKey());
        assertThatThrownBy(() -> Pem.privateKey(twoKeys, "key.pem")).hasMessageContaining("several private keys");
    }

    @Test
    void sdsStyleInlinePemBecomesAnSvidAndABundle() {
        Svid svid = LOCAL_CA.issue(FRONTEND, Duration.ofHours(1), "east");
        assertThat(Svid.fromPem(Pem.encode(svid.chain()), Pem.encode(svid.privateKey()), "secret 'default'"))
                .isEqualTo(svid);
        assertThatThrownBy(() -> Svid.fromPem(Pem.encode(svid.chain()), "junk".getBytes(StandardCharsets.US_ASCII),
                "secret 'default'")).hasMessageStartingWith("secret 'default' private_key: no private key found");
        TrustBundle b = TrustBundle.fromPem(LOCAL_CA.trustDomain(), Pem.encode(LOCAL_CA.root().certificate()), "ROOTCA");
        assertThat(b).isEqualTo(LOCAL_CA.bundle());
    }

    @Test
    void svidToStringNeverShowsTheKey() {
        Svid svid = LOCAL_CA.issue(FRONTEND, Duration.ofHours(1));
        assertThat(svid.toString()).contains(FRONTEND.toString()).doesNotContain("PRIVATE").doesNotContain("privateKey");
    }
}
