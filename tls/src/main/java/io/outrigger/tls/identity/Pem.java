package io.outrigger.tls.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reads and writes PEM: certificate chains, and private keys in PKCS#8 ({@code PRIVATE KEY}), SEC1
 * ({@code EC PRIVATE KEY}) and PKCS#1 ({@code RSA PRIVATE KEY}) form. Keys are converted with the JDK's own
 * providers, so BouncyCastle is never registered as a JCA provider.
 */
public final class Pem {
    private Pem() {
    }

    /**
     * Every certificate in a PEM text, in order.
     *
     * @param source names the origin (a file path, a secret name) in error messages
     * @throws PemException when the text holds no certificate or a block is not a valid certificate
     */
    public static List<X509Certificate> certificates(byte[] pem, String source) {
        Objects.requireNonNull(pem, "pem");
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : readAll(pem, source)) {
            if (o instanceof X509CertificateHolder h) {
                try {
                    out.add(converter.getCertificate(h));
                } catch (CertificateException e) {
                    throw new PemException(source + ": invalid certificate #" + (out.size() + 1) + ": " + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new PemException(source + ": no CERTIFICATE block found (expected PEM '-----BEGIN CERTIFICATE-----')");
        }
        return out;
    }

    /**
     * The single private key in a PEM text.
     *
     * @throws PemException when there is no key, several keys, or the key is encrypted
     */
    public static PrivateKey privateKey(byte[] pem, String source) {
        Objects.requireNonNull(pem, "pem");
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey key = null;
        for (Object o : readAll(pem, source)) {
            PrivateKey k;
            try {
                if (o instanceof PrivateKeyInfo info) {
                    k = converter.getPrivateKey(info);
                } else if (o instanceof PEMKeyPair pair) {
                    // SEC1 keys may omit the optional public key; only the private part is needed.
                    k = converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new PemException(source + ": the private key is encrypted (expected an unencrypted key)");
                } else {
                    continue;
                }
            } catch (IOException e) {
                throw new PemException(source + ": unreadable private key: " + e.getMessage(), e);
            }
            if (key != null) {
                throw new PemException(source + ": several private keys (expected exactly one)");
            }
            key = k;
        }
        if (key == null) {
            throw new PemException(source + ": no private key found (expected 'PRIVATE KEY', 'EC PRIVATE KEY' or 'RSA PRIVATE KEY')");
        }
        return key;
    }

    /** PEM text of certificates and/or keys (keys written as PKCS#8 {@code PRIVATE KEY}). */
    public static byte[] encode(Object... objects) {
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            for (Object o : objects) {
                if (o instanceof List<?> list) {
                    for (Object e : list) {
                        w.writeObject(new JcaMiscPEMGenerator(e));
                    }
                } else if (o instanceof PrivateKey k) {
                    w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
                } else {
                    w.writeObject(new JcaMiscPEMGenerator(o));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static List<Object> readAll(byte[] pem, String source) {
        List<Object> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            Object o;
            while ((o = p.readObject()) != null) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports malformed base64 and truncated blocks as IOExceptions or runtime exceptions.
            throw new PemException(source + ": malformed PEM: " + e.getMessage(), e);
        }
        return out;
    }
}
