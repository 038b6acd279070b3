package io.outrigger.proxy.tls;

import io.outrigger.proxy.stats.Stats;
import io.outrigger.tls.context.ClientCertificateMode;
import io.outrigger.tls.context.ClientTlsConfig;
import io.outrigger.tls.context.ServerTlsConfig;
import io.outrigger.tls.context.TlsContextSource;
import io.outrigger.tls.context.TlsOptions;
import io.outrigger.tls.context.TlsParams;
import io.outrigger.tls.context.TlsVersion;
import io.outrigger.tls.identity.SecretStore;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustDomain;
import io.outrigger.tls.verify.SanMatcher;
import io.outrigger.xds.snapshot.CommonTlsSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.DownstreamTlsSpec;
import io.outrigger.xds.snapshot.SanMatcherSpec;
import io.outrigger.xds.snapshot.SecretRefSpec;
import io.outrigger.xds.snapshot.SecretSpec;
import io.outrigger.xds.snapshot.UpstreamTlsSpec;
import io.outrigger.xds.snapshot.ValidationContextSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The TLS of one configuration: the {@link SecretStore} its secrets are published in (from files, watched,
 * or inline), and one live context per TLS filter chain and per TLS cluster. Built on the control thread
 * when the configuration is applied; every problem (an unreadable or garbage PEM file, an unknown secret, a
 * cipher the provider lacks) is reported with the resource and field it comes from, and nothing is served.
 *
 * <p>Secrets referenced by name are the snapshot's: the bootstrap's {@code static_resources.secrets}, and SDS
 * secrets the ADS client received (inline PEM, as Istio's agent and Kuma send them). A new secret value is a new
 * snapshot, applied by a new runtime. See {@link SecretFiles} for how {@code trusted_ca} roots are attributed
 * to trust domains.
 */
public final class TlsRuntime implements AutoCloseable {
    private final ConfigSnapshot snapshot;
    private final Stats stats;
    private final TlsOptions baseOptions;
    private final SecretStore store;
    private final CertificateExpiryStats expiry;
    private final SecretFiles files;
    private final Map<String, TlsScopeStats> scopes = new HashMap<>();
    private final List<TlsContextSource> sources = new ArrayList<>();
    // Reused when an xDS update repeats a listener's or cluster's TLS unchanged (same secrets).
    private final Map<Object, DownstreamTls> downstreams = new HashMap<>();
    private final Map<Object, UpstreamTls> upstreams = new HashMap<>();

    /**
     * @param baseOptions provider, clock and expiry warning; metrics are set per listener and cluster here
     */
    public TlsRuntime(ConfigSnapshot snapshot, Stats stats, TlsOptions baseOptions) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.baseOptions = Objects.requireNonNull(baseOptions, "baseOptions");
        this.expiry = new CertificateExpiryStats(stats);
        this.store = new SecretStore(expiry);
        this.files = new SecretFiles(store, expiry);
    }

    /**
     * The TLS of a filter chain of the listener on {@code host:port}.
     *
     * @param problem receives a message (relative to the chain's {@code transport_socket.typed_config}) per
     *                problem; the result is then {@code null}
     */
    public synchronized DownstreamTls downstream(String host, int port, DownstreamTlsSpec spec, Consumer<String> problem) {
        Object key = List.of(host, port, spec);
        DownstreamTls known = downstreams.get(key);
        if (known != null) {
            return known;
        }
        CommonTlsSpec c = spec.common();
        Problem p = new Problem(problem);
        String cert = certificate(c, p);
        if (cert == null) {
            return null;
        }
        ClientCertificateMode mode = spec.requireClientCertificate() ? ClientCertificateMode.REQUIRE
                : c.verifiesPeer() ? ClientCertificateMode.OPTIONAL : ClientCertificateMode.NONE;
        String validation = mode == ClientCertificateMode.NONE ? null : validation(c, cert, p);
        List<SanMatcher> sans = sanMatchers(c, p);
        TlsParams params = params(c, p);
        if (p.failed) {
            return null;
        }
        ServerTlsConfig config = new ServerTlsConfig(cert, validation, mode, sans, params, c.alpnProtocols());
        TlsScopeStats scope = scopes.computeIfAbsent("listener " + host + "_" + port, k -> TlsScopeStats.listener(stats, host, port));
        TlsContextSource source = TlsContextSource.server(store, config, baseOptions.withMetrics(scope));
        if (!ready(source, p)) {
            return null;
        }
        DownstreamTls built = new DownstreamTls(source);
        downstreams.put(key, built);
        return built;
    }

    /** The TLS of cluster {@code name}; see {@link #downstream}. */
    public synchronized UpstreamTls upstream(String name, UpstreamTlsSpec spec, Consumer<String> problem) {
        Object key = List.of(name, spec);
        UpstreamTls known = upstreams.get(key);
        if (known != null) {
            return known;
        }
        CommonTlsSpec c = spec.common();
        Problem p = new Problem(problem);
        String cert = c.hasCertificate() ? certificate(c, p) : null;
        String validation = validation(c, cert, p);
        List<SanMatcher> sans = sanMatchers(c, p);
        TlsParams params = params(c, p);
        if (p.failed) {
            return null;
        }
        ClientTlsConfig config = new ClientTlsConfig(cert, validation, sans, params, c.alpnProtocols());
        TlsScopeStats scope = scopes.computeIfAbsent("cluster " + name, k -> TlsScopeStats.cluster(stats, name));
        TlsContextSource source = TlsContextSource.client(store, config, baseOptions.withMetrics(scope));
        if (!ready(source, p)) {
            return null;
        }
        UpstreamTls built = new UpstreamTls(source, spec.sni());
        upstreams.put(key, built);
        return built;
    }

    private boolean ready(TlsContextSource source, Problem p) {
        sources.add(source);
        if (source.current().isEmpty()) {
            p.add("the TLS context cannot be built: " + source.lastError().orElse("its secrets are missing"));
            return false;
        }
        return true;
    }

    /** The store's name of the certificate the context presents, loaded; or null with a problem. */
    private String certificate(CommonTlsSpec c, Problem p) {
        if (c.certificateSecret() != null) {
            SecretRefSpec ref = c.certificateSecret();
            SecretSpec secret = snapshot.secret(ref.name());
            if (secret == null || secret.tlsCertificate() == null) {
                p.add("common_tls_context.tls_certificate_sds_secret_configs[0]: secret \"" + ref.name() + "\" "
                        + (ref.dynamic() ? "has not arrived by SDS (Outrigger fetches secrets over ADS only; expected: an"
                        + " SDS secret over ADS, or a static secret of that name)" : "has no tls_certificate"));
                return null;
            }
            return files.certificate(ref.name(), secret.tlsCertificate(),
                    "static_resources.secrets \"" + ref.name() + "\"", p::add);
        }
        return files.certificate(null, c.certificates().getFirst(), "common_tls_context.tls_certificates[0]", p::add);
    }

    /** The store's name of the validation context, loaded; or null with a problem. */
    private String validation(CommonTlsSpec c, String certName, Problem p) {
        ValidationContextSpec roots;
        String name = null;
        String where;
        if (c.validationSecret() != null) {
            SecretRefSpec ref = c.validationSecret();
            SecretSpec secret = snapshot.secret(ref.name());
            if (secret == null || secret.validationContext() == null) {
                p.add("common_tls_context.validation_context_sds_secret_config: secret \"" + ref.name() + "\" "
                        + (ref.dynamic() ? "has not arrived by SDS (Outrigger fetches secrets over ADS only; expected: an"
                        + " SDS secret over ADS, or a static secret of that name)" : "has no validation_context"));
                return null;
            }
            roots = secret.validationContext();
            name = ref.name();
            where = "static_resources.secrets \"" + ref.name() + "\"";
        } else {
            roots = c.validation();
            where = "common_tls_context.validation_context";
        }
        TrustDomain own = null;
        if (certName != null) {
            Svid svid = store.certificate(certName).orElse(null);
            own = svid == null ? null : svid.spiffeId().trustDomain();
        }
        return files.validation(name, roots, own, where, p::add);
    }

    /** The default context's matchers and, for a static secret, the secret's own (Envoy merges both). */
    private static List<SanMatcher> sanMatchers(CommonTlsSpec c, Problem p) {
        List<SanMatcherSpec> specs = new ArrayList<>();
        if (c.validation() != null) {
            specs.addAll(c.validation().sanMatchers());
        }
        List<SanMatcher> out = new ArrayList<>();
        for (SanMatcherSpec s : specs) {
            SanMatcher.Kind kind = switch (s.matcher().kind()) {
                case EXACT -> SanMatcher.Kind.EXACT;
                case PREFIX -> SanMatcher.Kind.PREFIX;
                case SUFFIX -> SanMatcher.Kind.SUFFIX;
                case CONTAINS -> SanMatcher.Kind.CONTAINS;
                case SAFE_REGEX -> null;
            };
            if (kind == null) {
                p.add("common_tls_context.validation_context.match_typed_subject_alt_names: safe_regex \""
                        + s.matcher().value() + "\" (expected: exact, prefix, suffix or contains; the SPIFFE verifier "
                        + "has no regular expressions)");
                continue;
            }
            out.add(new SanMatcher(SanMatcher.SanType.valueOf(s.sanType().name()), kind, s.matcher().value(),
                    s.matcher().ignoreCase()));
        }
        return out;
    }

    /** Envoy's TLS_AUTO: TLS 1.2 to 1.3 (a mesh's own sidecars negotiate 1.3). */
    private static TlsParams params(CommonTlsSpec c, Problem p) {
        TlsVersion min = c.minVersion() == null ? TlsVersion.TLS_1_2 : TlsVersion.fromName(c.minVersion());
        TlsVersion max = c.maxVersion() == null ? TlsVersion.TLS_1_3 : TlsVersion.fromName(c.maxVersion());
        if (min.compareTo(max) > 0) {
            p.add("common_tls_context.tls_params: minimum " + min.jdkName() + " above maximum " + max.jdkName());
            return null;
        }
        return new TlsParams(min, max, c.cipherSuites());
    }

    /** Where secrets are published (for SDS later, and for tests). */
    public SecretStore store() {
        return store;
    }

    /** The serial of the certificate last loaded under a secret name, or {@code null}. */
    public java.math.BigInteger certificateSerial(String secretName) {
        return expiry.serial(secretName);
    }

    /** Whether any listener or cluster uses TLS. */
    public boolean inUse() {
        return !sources.isEmpty();
    }

    @Override
    public synchronized void close() {
        sources.forEach(TlsContextSource::close);
        files.close();
    }

    /** Collects problems of one context and remembers that there was one. */
    private static final class Problem {
        private final Consumer<String> sink;
        private boolean failed;

        Problem(Consumer<String> sink) {
            this.sink = sink;
        }

        void add(String message) {
            failed = true;
            sink.accept(message);
        }
    }
}
