package io.outrigger.tls.ca;

import io.outrigger.tls.identity.Pem;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundle;
import io.outrigger.tls.identity.TrustDomain;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for development and tests: one root per trust domain, optional
 * intermediates under it (one per cluster, as Istio's multi-cluster "plug-in CA" setup), and X.509-SVIDs
 * (EC P-256, one URI SAN, server and client auth) with a TTL. Not a production CA: keys live in files.
 *
 * <p>On disk ({@link #save}/{@link #load}): {@code root-cert.pem}, {@code root-key.pem}, and per intermediate
 * {@code intermediates/<name>/ca-cert.pem}, {@code ca-key.pem}, {@code cert-chain.pem} (Istio's plug-in CA
 * names). Issued SVIDs are written as Istio mounts them: {@code cert-chain.pem}, {@code key.pem},
 * {@code root-cert.pem}.
 */
public final class DevCa {
    /** Backdating of notBefore, so a peer whose clock is slightly behind accepts a fresh certificate. */
    static final Duration BACKDATE = Duration.ofMinutes(1);
    private static final Pattern INTERMEDIATE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final TrustDomain trustDomain;
    private final CertificateAuthority root;
    private final Map<String, CertificateAuthority> intermediates = new ConcurrentHashMap<>();
    private final Clock clock;
    private final SecureRandom random;

    private DevCa(TrustDomain trustDomain, CertificateAuthority root, Clock clock, SecureRandom random) {
        this.trustDomain = trustDomain;
        this.root = root;
        this.clock = clock;
        this.random = random;
    }

    /** A new root for {@code trustDomain}, valid for {@code ttl}. */
    public static DevCa create(TrustDomain trustDomain, Duration ttl, Clock clock, SecureRandom random) {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        checkTtl(ttl);
        KeyPair kp = newKey(random);
        Instant now = clock.instant();
        X500Name name = new X500Name("O=Outrigger dev CA, OU=" + trustDomain.name() + ", CN=root");
        X509Certificate cert = sign(name, kp.getPublic(), name, kp.getPrivate(), null, now.minus(BACKDATE),
                now.plus(ttl), random, b -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                    b.addExtension(Extension.subjectAlternativeName, false, uriSan(trustDomain.id()));
                });
        return new DevCa(trustDomain, new CertificateAuthority(cert, kp.getPrivate(), List.of(cert)), clock, random);
    }

    /** A new root valid 10 years, system clock, strong randomness. */
    public static DevCa create(TrustDomain trustDomain) {
        return create(trustDomain, Duration.ofDays(3650), Clock.systemUTC(), new SecureRandom());
    }

    /** The CA saved in {@code dir} (with its intermediates). */
    public static DevCa load(Path dir, Clock clock, SecureRandom random) throws IOException {
        Path certFile = dir.resolve("root-cert.pem");
        Path keyFile = dir.resolve("root-key.pem");
        if (!Files.exists(certFile) || !Files.exists(keyFile)) {
            throw new IOException(dir + ": not a CA directory (expected root-cert.pem and root-key.pem; run 'ca init')");
        }
        X509Certificate cert = Pem.certificates(Files.readAllBytes(certFile), certFile.toString()).getFirst();
        PrivateKey key = Pem.privateKey(Files.readAllBytes(keyFile), keyFile.toString());
        List<String> uris = io.outrigger.tls.identity.SvidCertificates.uriSans(cert);
        if (uris.size() != 1) {
            throw new IOException(certFile + ": root has " + uris.size() + " URI SANs (expected its trust domain's ID)");
        }
        DevCa ca = new DevCa(TrustDomain.of(uris.getFirst()), new CertificateAuthority(cert, key, List.of(cert)), clock,
                random);
        Path inter = dir.resolve("intermediates");
        if (Files.isDirectory(inter)) {
            try (var dirs = Files.list(inter)) {
                for (Path d : dirs.toList()) {
                    Path ic = d.resolve("ca-cert.pem");
                    Path ik = d.resolve("ca-key.pem");
                    X509Certificate c = Pem.certificates(Files.readAllBytes(ic), ic.toString()).getFirst();
                    PrivateKey k = Pem.privateKey(Files.readAllBytes(ik), ik.toString());
                    ca.intermediates.put(d.getFileName().toString(), new CertificateAuthority(c, k, List.of(c)));
                }
            }
        }
        return ca;
    }

    /** Writes the root and every intermediate to {@code dir} (keys readable by the owner only). */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("root-cert.pem"), Pem.encode(root.certificate()), false);
        write(dir.resolve("root-key.pem"), Pem.encode(root.privateKey()), true);
        for (var e : intermediates.entrySet()) {
            Path d = dir.resolve("intermediates").resolve(e.getKey());
            Files.createDirectories(d);
            CertificateAuthority ica = e.getValue();
            write(d.resolve("ca-cert.pem"), Pem.encode(ica.certificate()), false);
            write(d.resolve("ca-key.pem"), Pem.encode(ica.privateKey()), true);
            write(d.resolve("cert-chain.pem"), Pem.encode(ica.certificate(), root.certificate()), false);
            write(d.resolve("root-cert.pem"), Pem.encode(root.certificate()), false);
        }
    }

    /** The trust domain of this CA. */
    public TrustDomain trustDomain() {
        return trustDomain;
    }

    /** The root authority. */
    public CertificateAuthority root() {
        return root;
    }

    /** The trust bundle peers need to verify SVIDs of this CA: its root. */
    public TrustBundle bundle() {
        return new TrustBundle(trustDomain, List.of(root.certificate()));
    }

    /**
     * The intermediate named {@code name} (e.g. a cluster), created under the root on first use, valid as long
     * as the root.
     */
    public CertificateAuthority intermediate(String name) {
        Objects.requireNonNull(name, "name");
        if (!INTERMEDIATE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("intermediate: '" + name
                    + "' (expected: letters, digits, '.', '_' or '-', at most 63)");
        }
        return intermediates.computeIfAbsent(name, n -> {
            KeyPair kp = newKey(random);
            Instant now = clock.instant();
            X509Certificate cert = sign(new X500Name("O=Outrigger dev CA, OU=" + trustDomain.name() + ", CN=" + n),
                    kp.getPublic(), rootName(), root.privateKey(), root.certificate(), now.minus(BACKDATE),
                    root.certificate().getNotAfter().toInstant(), random, b -> {
                        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                        b.addExtension(Extension.keyUsage, true,
                                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                        b.addExtension(Extension.subjectAlternativeName, false, uriSan(trustDomain.id()));
                    });
            return new CertificateAuthority(cert, kp.getPrivate(), List.of(cert));
        });
    }

    /** An SVID signed by the root, valid from now for {@code ttl}. */
    public Svid issue(SpiffeId id, Duration ttl) {
        Instant now = clock.instant();
        checkTtl(ttl);
        return issue(id, now.minus(BACKDATE), now.plus(ttl), null);
    }

    /** An SVID signed by intermediate {@code intermediateName} (created if new), valid from now for {@code ttl}. */
    public Svid issue(SpiffeId id, Duration ttl, String intermediateName) {
        Instant now = clock.instant();
        checkTtl(ttl);
        return issue(id, now.minus(BACKDATE), now.plus(ttl), intermediateName);
    }

    /**
     * An SVID with explicit validity (tests use it for expired and not-yet-valid certificates).
     *
     * @param intermediateName null: signed by the root
     */
    public Svid issue(SpiffeId id, Instant notBefore, Instant notAfter, String intermediateName) {
        Objects.requireNonNull(id, "id");
        if (!id.memberOf(trustDomain)) {
            throw new IllegalArgumentException("spiffeId: " + id + " (expected: a member of " + trustDomain + ")");
        }
        if (id.path().isEmpty()) {
            throw new IllegalArgumentException("spiffeId: " + id + " (expected: a workload path, not the trust domain)");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " (expected: after notBefore " + notBefore + ")");
        }
        CertificateAuthority signer = intermediateName == null ? root : intermediate(intermediateName);
        KeyPair kp = newKey(random);
        X509Certificate leaf = sign(new X500Name("O=" + trustDomain.name()), kp.getPublic(),
                X500Name.getInstance(signer.certificate().getSubjectX500Principal().getEncoded()), signer.privateKey(),
                signer.certificate(), notBefore, notAfter, random, b -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                    b.addExtension(Extension.subjectAlternativeName, false, uriSan(id));
                });
        List<X509Certificate> chain = new ArrayList<>(2);
        chain.add(leaf);
        if (signer != root) {
            chain.add(signer.certificate());
        }
        return Svid.of(chain, kp.getPrivate());
    }

    /**
     * Writes an SVID the way Istio mounts one: {@code cert-chain.pem} (leaf then intermediates), {@code key.pem}
     * (PKCS#8) and {@code root-cert.pem}. Each file is written to a temporary name and moved into place, so a
     * watcher never reads half a file.
     */
    public void writeSvid(Svid svid, Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("cert-chain.pem"), Pem.encode(svid.chain()), false);
        write(dir.resolve("key.pem"), Pem.encode(svid.privateKey()), true);
        write(dir.resolve("root-cert.pem"), Pem.encode(root.certificate()), false);
    }

    private X500Name rootName() {
        return X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded());
    }

    private static void checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
    }

    static void write(Path file, byte[] content, boolean secret) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, content);
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep the default permissions.
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static GeneralNames uriSan(SpiffeId id) {
        return new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString()));
    }

    static KeyPair newKey(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }

    /** Extensions added by a caller of {@link #sign}. */
    @FunctionalInterface
    interface Extensions {
        void add(X509v3CertificateBuilder b) throws IOException;
    }

    /**
     * Signs a certificate with SHA256withECDSA through the JDK's providers (BouncyCastle only builds the
     * ASN.1). Package-private: tests build deliberately broken certificates with it.
     */
    static X509Certificate sign(X500Name subject, PublicKey subjectKey, X500Name issuer, PrivateKey issuerKey,
            X509Certificate issuerCert, Instant notBefore, Instant notAfter, SecureRandom random, Extensions ext) {
        try {
            BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
                    Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            b.addExtension(Extension.authorityKeyIdentifier, false, issuerCert == null
                    ? utils.createAuthorityKeyIdentifier(subjectKey)
                    : utils.createAuthorityKeyIdentifier(issuerCert));
            ext.add(b);
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign certificate for " + subject, e);
        }
    }
}
