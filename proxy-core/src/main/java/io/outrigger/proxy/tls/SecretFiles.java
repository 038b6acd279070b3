package io.outrigger.proxy.tls;

import io.outrigger.tls.identity.Pem;
import io.outrigger.tls.identity.PemFileSource;
import io.outrigger.tls.identity.SecretStore;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundle;
import io.outrigger.tls.identity.TrustBundles;
import io.outrigger.tls.identity.TrustDomain;
import io.outrigger.tls.metrics.TlsMetrics;
import io.outrigger.xds.snapshot.DataSourceSpec;
import io.outrigger.xds.snapshot.TlsCertificateSpec;
import io.outrigger.xds.snapshot.ValidationContextSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Publishes the TLS secrets a configuration names into a {@link SecretStore}: PEM files through a watching
 * {@link PemFileSource} (a change applies to new handshakes; a bad file keeps the last good secret), inline
 * PEM at once. Each distinct secret is loaded once however many chains and clusters use it.
 *
 * <p>Trust domains of {@code trusted_ca}: the SPIFFE verifier checks a peer against the bundle of the
 * peer's own trust domain, but Envoy's {@code trusted_ca} is a plain list of roots. A root whose URI SAN
 * is a trust domain's SPIFFE ID ({@code spiffe://cluster.local}, which {@code outrigger ca} and SPIRE
 * write) vouches for that domain; a root without one vouches for the trust domain of the certificate the
 * same context presents (a mesh's own domain, as with Istio's {@code ROOTCA}). To trust other domains
 * (federation), list them in the {@code envoy.tls.cert_validator.spiffe} validator's {@code trust_domains}.
 */
final class SecretFiles implements AutoCloseable {
    /** How often watched files are checked (PemFileSource compares mtime/size, then a content hash). */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    private final SecretStore store;
    private final TlsMetrics metrics;
    private final CertificateExpiryStats expiry;
    private final Map<Object, String> loaded = new HashMap<>();
    private final List<PemFileSource> sources = new ArrayList<>();
    private int inlineCount;

    SecretFiles(SecretStore store, CertificateExpiryStats expiry) {
        this.store = store;
        this.metrics = expiry;
        this.expiry = expiry;
    }

    /**
     * Loads a TLS certificate once.
     *
     * @param name the secret's name, or {@code null} for an inline {@code tls_certificates} entry
     * @return the name it is published under, or {@code null} after reporting a problem
     */
    String certificate(String name, TlsCertificateSpec spec, String where, Consumer<String> problem) {
        Object key = name != null ? "secret:" + name : spec;
        String done = loaded.get(key);
        if (done != null) {
            return done;
        }
        DataSourceSpec chain = spec.certificateChain();
        DataSourceSpec key2 = spec.privateKey();
        String storeName = name != null ? name
                : chain.filename() != null ? "file:" + chain.filename() : "inline#" + (++inlineCount);
        expiry.bind(storeName);
        if (chain.filename() != null && key2.filename() != null) {
            PemFileSource src = PemFileSource.builder(store).pollInterval(POLL_INTERVAL).metrics(metrics)
                    .certificate(storeName, Path.of(chain.filename()), Path.of(key2.filename())).build().start();
            sources.add(src);
            if (store.certificate(storeName).isEmpty()) {
                problem.accept(where + ": " + src.lastError(storeName).orElse("not loaded"));
                return null;
            }
        } else if (chain.inline() != null && key2.inline() != null) {
            try {
                store.putCertificate(storeName, Svid.of(Pem.certificates(bytes(chain), where + ".certificate_chain"),
                        Pem.privateKey(bytes(key2), where + ".private_key")));
            } catch (IOException | RuntimeException e) {
                problem.accept(where + ": " + e.getMessage());
                return null;
            }
        } else {
            problem.accept(where + ": certificate_chain and private_key from different kinds of source (expected: both"
                    + " files, watched for rotation, or both inline)");
            return null;
        }
        loaded.put(key, storeName);
        return storeName;
    }

    /**
     * Loads a validation context once per trust domain it is attributed to.
     *
     * @param name the secret's name, or {@code null} for a validation context written in the TLS context
     * @param own the trust domain of the certificate the context presents, or {@code null}
     * @return the name it is published under, or {@code null} after reporting a problem
     */
    String validation(String name, ValidationContextSpec roots, TrustDomain own, String where, Consumer<String> problem) {
        if (roots == null || !roots.hasRoots()) {
            problem.accept(where + ": no roots (expected: trusted_ca or the envoy.tls.cert_validator.spiffe validator)");
            return null;
        }
        Map<TrustDomain, DataSourceSpec> bundles = new LinkedHashMap<>();
        boolean usesOwn = false;
        try {
            if (!roots.trustDomains().isEmpty()) {
                roots.trustDomains().forEach((td, source) -> bundles.put(TrustDomain.of(td), source));
            } else {
                Set<TrustDomain> domains = new LinkedHashSet<>();
                for (X509Certificate ca : Pem.certificates(bytes(roots.trustedCa()), where + ".trusted_ca " + roots.trustedCa().describe())) {
                    TrustDomain td = spiffeDomainOf(ca);
                    if (td == null) {
                        if (own == null) {
                            problem.accept(where + ".trusted_ca: root '" + ca.getSubjectX500Principal().getName()
                                    + "' names no trust domain (no spiffe:// URI SAN) and the context presents no SVID to take"
                                    + " one from (expected: the envoy.tls.cert_validator.spiffe validator with trust_domains)");
                            return null;
                        }
                        td = own;
                        usesOwn = true;
                    }
                    domains.add(td);
                }
                for (TrustDomain td : domains) {
                    bundles.put(td, roots.trustedCa());
                }
            }
        } catch (IOException | RuntimeException e) {
            problem.accept(where + ": " + e.getMessage());
            return null;
        }
        String base = name != null ? name : roots.trustedCa() != null && roots.trustedCa().filename() != null
                ? "file:" + roots.trustedCa().filename() : "validation#" + (++inlineCount);
        String storeName = usesOwn ? base + "@" + own : base;
        Object key = name != null ? "validation:" + storeName : List.of(roots.trustedCa() == null ? "" : roots.trustedCa(),
                roots.trustDomains(), storeName);
        String done = loaded.get(key);
        if (done != null) {
            return done;
        }
        boolean allFiles = bundles.values().stream().allMatch(d -> d.filename() != null);
        if (allFiles) {
            PemFileSource.Builder b = PemFileSource.builder(store).pollInterval(POLL_INTERVAL).metrics(metrics);
            bundles.forEach((td, source) -> b.trustBundle(storeName, td, Path.of(source.filename())));
            PemFileSource src = b.build().start();
            sources.add(src);
            if (store.validationContext(storeName).isEmpty()) {
                problem.accept(where + ": " + src.lastError(storeName).orElse("not loaded"));
                return null;
            }
        } else {
            try {
                List<TrustBundle> list = new ArrayList<>();
                for (Map.Entry<TrustDomain, DataSourceSpec> e : bundles.entrySet()) {
                    list.add(new TrustBundle(e.getKey(), Pem.certificates(bytes(e.getValue()), where + " " + e.getKey())));
                }
                store.putValidationContext(storeName, TrustBundles.of(list));
            } catch (IOException | RuntimeException e) {
                problem.accept(where + ": " + e.getMessage());
                return null;
            }
        }
        loaded.put(key, storeName);
        return storeName;
    }

    /** The trust domain a CA certificate names in a {@code spiffe://<domain>} URI SAN, or {@code null}. */
    static TrustDomain spiffeDomainOf(X509Certificate ca) {
        try {
            var sans = ca.getSubjectAlternativeNames();
            if (sans == null) {
                return null;
            }
            for (List<?> san : sans) {
                if (san.get(0) instanceof Integer t && t == 6 && san.get(1) instanceof String uri
                        && uri.startsWith("spiffe://")) {
                    return TrustDomain.of(uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri);
                }
            }
        } catch (CertificateParsingException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static byte[] bytes(DataSourceSpec d) throws IOException {
        return d.filename() != null ? Files.readAllBytes(Path.of(d.filename()))
                : d.inline().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        sources.forEach(PemFileSource::close);
    }
}
