package io.outrigger.xds.config;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.outrigger.xds.snapshot.CommonTlsSpec;
import io.outrigger.xds.snapshot.DataSourceSpec;
import io.outrigger.xds.snapshot.DownstreamTlsSpec;
import io.outrigger.xds.snapshot.SanMatcherSpec;
import io.outrigger.xds.snapshot.SecretRefSpec;
import io.outrigger.xds.snapshot.SecretSpec;
import io.outrigger.xds.snapshot.StringMatchSpec;
import io.outrigger.xds.snapshot.TlsCertificateSpec;
import io.outrigger.xds.snapshot.UpstreamTlsSpec;
import io.outrigger.xds.snapshot.ValidationContextSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code envoy.transport_sockets.tls}: {@code DownstreamTlsContext} on filter chains,
 * {@code UpstreamTlsContext} on clusters, and the {@code Secret}s they name. Peers are verified the SPIFFE
 * way in proxy-core, so a validation context is its roots ({@code trusted_ca}, or the per-trust-domain
 * bundles of the {@code envoy.tls.cert_validator.spiffe} validator) and its SAN matchers.
 */
final class TlsDecoder {
    static final String DOWNSTREAM = MessageTypes.typeUrl(DownstreamTlsContext.getDescriptor());
    static final String UPSTREAM = MessageTypes.typeUrl(UpstreamTlsContext.getDescriptor());
    static final String RAW_BUFFER = MessageTypes.typeUrl(RawBuffer.getDescriptor());
    private static final String SPIFFE_VALIDATOR = MessageTypes.typeUrl(SPIFFECertValidatorConfig.getDescriptor());

    private static final Set<String> TRANSPORT_SOCKET_FIELDS = Set.of("name", "typed_config");
    private static final Set<String> DOWNSTREAM_FIELDS = Set.of("common_tls_context", "require_client_certificate");
    private static final Set<String> UPSTREAM_FIELDS = Set.of("common_tls_context", "sni");
    private static final Set<String> COMMON_FIELDS = Set.of("tls_params", "tls_certificates",
            "tls_certificate_sds_secret_configs", "validation_context", "validation_context_sds_secret_config",
            "combined_validation_context", "alpn_protocols");
    private static final Set<String> PARAMS_FIELDS = Set.of("tls_minimum_protocol_version",
            "tls_maximum_protocol_version", "cipher_suites");
    private static final Map<String, String> PARAMS_IGNORED = Map.of(
            "ecdh_curves", "the provider's default groups (X25519, P-256, P-384) are used");
    private static final Set<String> CERT_FIELDS = Set.of("certificate_chain", "private_key");
    private static final Map<String, String> CERT_IGNORED = Map.of(
            "watched_directory", "certificate files are polled for changes anyway (content hash, symlink swaps included)");
    private static final Set<String> VALIDATION_FIELDS = Set.of("trusted_ca", "match_typed_subject_alt_names",
            "custom_validator_config");
    private static final Set<String> SDS_FIELDS = Set.of("name", "sds_config");
    private static final Set<String> SAN_FIELDS = Set.of("san_type", "matcher");
    private static final Set<String> MATCHER_FIELDS = Set.of("exact", "prefix", "suffix", "contains", "safe_regex",
            "ignore_case");
    private static final Set<String> SECRET_FIELDS = Set.of("name", "tls_certificate", "validation_context");

    private TlsDecoder() {
    }

    /** A filter chain's transport socket: {@code null} for raw_buffer (or with a problem added). */
    static DownstreamTlsSpec downstream(TransportSocket socket, String path, Problems problems) {
        Any config = transportSocket(socket, path, problems, DOWNSTREAM);
        if (config == null) {
            return null;
        }
        String cp = Problems.path(path, "typed_config");
        DownstreamTlsContext ctx = ListenerDecoder.unpack(config, DownstreamTlsContext.getDefaultInstance(), cp, problems);
        if (ctx == null) {
            return null;
        }
        int before = problems.errorCount();
        Supported.check(ctx, cp, problems, DOWNSTREAM_FIELDS);
        boolean require = ctx.hasRequireClientCertificate() && ctx.getRequireClientCertificate().getValue();
        CommonTlsSpec common = common(ctx.getCommonTlsContext(), Problems.path(cp, "common_tls_context"), problems);
        if (common != null && !common.hasCertificate()) {
            problems.error(Problems.path(cp, "common_tls_context"), "no certificate (expected: tls_certificates or "
                    + "tls_certificate_sds_secret_configs; a listener terminating TLS must present one)");
        }
        if (common != null && require && !common.verifiesPeer()) {
            problems.error(Problems.path(cp, "require_client_certificate"), "true without roots to verify clients with "
                    + "(expected: validation_context.trusted_ca, a SPIFFE validator, or validation_context_sds_secret_config)");
        }
        return problems.errorCount() > before || common == null ? null : new DownstreamTlsSpec(common, require);
    }

    /** A cluster's transport socket: {@code null} for raw_buffer (or with a problem added). */
    static UpstreamTlsSpec upstream(TransportSocket socket, String path, Problems problems) {
        Any config = transportSocket(socket, path, problems, UPSTREAM);
        if (config == null) {
            return null;
        }
        String cp = Problems.path(path, "typed_config");
        UpstreamTlsContext ctx = ListenerDecoder.unpack(config, UpstreamTlsContext.getDefaultInstance(), cp, problems);
        if (ctx == null) {
            return null;
        }
        int before = problems.errorCount();
        Supported.check(ctx, cp, problems, UPSTREAM_FIELDS);
        CommonTlsSpec common = common(ctx.getCommonTlsContext(), Problems.path(cp, "common_tls_context"), problems);
        if (common != null && !common.verifiesPeer()) {
            // Envoy would connect without verifying the server; a mesh proxy must not do that silently.
            problems.error(Problems.path(cp, "common_tls_context"), "no validation context (expected: validation_context"
                    + " with trusted_ca or a SPIFFE validator, or validation_context_sds_secret_config; Outrigger always"
                    + " verifies the server's SPIFFE ID)");
        }
        return problems.errorCount() > before || common == null ? null : new UpstreamTlsSpec(common, ctx.getSni());
    }

    /** The typed config of a TLS transport socket, or null for raw_buffer or an error. */
    private static Any transportSocket(TransportSocket socket, String path, Problems problems, String expected) {
        Supported.check(socket, path, problems, TRANSPORT_SOCKET_FIELDS);
        String cp = Problems.path(path, "typed_config");
        if (!socket.hasTypedConfig()) {
            problems.error(cp, "missing for transport socket \"" + socket.getName() + "\" (expected: \"@type\": " + expected
                    + " or " + RAW_BUFFER + ")");
            return null;
        }
        String type = socket.getTypedConfig().getTypeUrl();
        if (type.equals(RAW_BUFFER)) {
            return null;
        }
        if (!type.equals(expected)) {
            problems.error(cp, "unsupported transport socket \"" + socket.getName() + "\" of type "
                    + ListenerDecoder.extensionName(socket.getTypedConfig()) + " (Outrigger implements here: "
                    + MessageTypes.fullName(expected) + ", " + MessageTypes.fullName(RAW_BUFFER) + ")");
            return null;
        }
        return socket.getTypedConfig();
    }

    private static CommonTlsSpec common(CommonTlsContext c, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(c, path, problems, COMMON_FIELDS);
        List<TlsCertificateSpec> certs = new ArrayList<>();
        for (int i = 0; i < c.getTlsCertificatesCount(); i++) {
            TlsCertificateSpec cert = certificate(c.getTlsCertificates(i), Problems.path(path, "tls_certificates[" + i + "]"), problems);
            if (cert != null) {
                certs.add(cert);
            }
        }
        SecretRefSpec certSecret = null;
        for (int i = 0; i < c.getTlsCertificateSdsSecretConfigsCount(); i++) {
            SecretRefSpec ref = sds(c.getTlsCertificateSdsSecretConfigs(i),
                    Problems.path(path, "tls_certificate_sds_secret_configs[" + i + "]"), problems);
            if (certSecret == null) {
                certSecret = ref;
            }
        }
        int certCount = c.getTlsCertificatesCount() + c.getTlsCertificateSdsSecretConfigsCount();
        if (certCount > 1) {
            problems.error(Problems.path(path, c.getTlsCertificatesCount() > 1 ? "tls_certificates" : "tls_certificate_sds_secret_configs"),
                    certCount + " certificates (expected: one; Outrigger presents a single identity per listener or cluster)");
        }
        ValidationContextSpec validation = null;
        SecretRefSpec validationSecret = null;
        switch (c.getValidationContextTypeCase()) {
            case VALIDATION_CONTEXT -> validation = validation(c.getValidationContext(),
                    Problems.path(path, "validation_context"), problems);
            case VALIDATION_CONTEXT_SDS_SECRET_CONFIG -> validationSecret = sds(c.getValidationContextSdsSecretConfig(),
                    Problems.path(path, "validation_context_sds_secret_config"), problems);
            case COMBINED_VALIDATION_CONTEXT -> {
                String cp = Problems.path(path, "combined_validation_context");
                var combined = c.getCombinedValidationContext();
                Supported.check(combined, cp, problems, Set.of("default_validation_context", "validation_context_sds_secret_config"));
                validation = validation(combined.getDefaultValidationContext(), Problems.path(cp, "default_validation_context"), problems);
                if (!combined.hasValidationContextSdsSecretConfig()) {
                    problems.error(Problems.path(cp, "validation_context_sds_secret_config"), "missing (required by Envoy)");
                } else {
                    validationSecret = sds(combined.getValidationContextSdsSecretConfig(),
                            Problems.path(cp, "validation_context_sds_secret_config"), problems);
                }
            }
            case VALIDATIONCONTEXTTYPE_NOT_SET -> {
            }
            default -> problems.error(path, "unsupported validation context type " + c.getValidationContextTypeCase()
                    + " (expected: validation_context, validation_context_sds_secret_config or combined_validation_context)");
        }
        String min = null;
        String max = null;
        List<String> ciphers = List.of();
        if (c.hasTlsParams()) {
            String pp = Problems.path(path, "tls_params");
            TlsParameters p = c.getTlsParams();
            Supported.check(p, pp, problems, PARAMS_FIELDS, PARAMS_IGNORED);
            min = version(p.getTlsMinimumProtocolVersion(), Problems.path(pp, "tls_minimum_protocol_version"), problems, true);
            max = version(p.getTlsMaximumProtocolVersion(), Problems.path(pp, "tls_maximum_protocol_version"), problems, false);
            if (min != null && max != null && min.compareTo(max) > 0) {
                problems.error(pp, "tls_minimum_protocol_version " + min + " > tls_maximum_protocol_version " + max
                        + " (expected: min <= max)");
            }
            ciphers = p.getCipherSuitesList();
        }
        if (problems.errorCount() > before) {
            return null;
        }
        return new CommonTlsSpec(certs, certSecret, validation, validationSecret, c.getAlpnProtocolsList(), min, max, ciphers);
    }

    /** Envoy's TLS_AUTO is null; versions below 1.2 are raised to it for the minimum (with a warning). */
    private static String version(TlsParameters.TlsProtocol v, String path, Problems problems, boolean minimum) {
        return switch (v) {
            case TLS_AUTO -> null;
            case TLSv1_2 -> "TLSv1_2";
            case TLSv1_3 -> "TLSv1_3";
            case TLSv1_0, TLSv1_1 -> {
                if (minimum) {
                    problems.warn(path, v + " raised to TLSv1_2: Outrigger does not offer TLS below 1.2");
                    yield "TLSv1_2";
                }
                problems.error(path, v + " (expected: TLS_AUTO, TLSv1_2 or TLSv1_3; Outrigger does not offer TLS below 1.2)");
                yield null;
            }
            case UNRECOGNIZED -> {
                problems.error(path, "unknown TLS version (expected: TLS_AUTO, TLSv1_2 or TLSv1_3)");
                yield null;
            }
        };
    }

    private static TlsCertificateSpec certificate(TlsCertificate cert, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(cert, path, problems, CERT_FIELDS, CERT_IGNORED);
        DataSourceSpec chain = dataSource(cert.hasCertificateChain(), cert.getCertificateChain(),
                Problems.path(path, "certificate_chain"), problems);
        DataSourceSpec key = dataSource(cert.hasPrivateKey(), cert.getPrivateKey(), Problems.path(path, "private_key"), problems);
        return problems.errorCount() > before ? null : new TlsCertificateSpec(chain, key);
    }

    static ValidationContextSpec validation(CertificateValidationContext v, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(v, path, problems, VALIDATION_FIELDS);
        DataSourceSpec trustedCa = v.hasTrustedCa()
                ? dataSource(true, v.getTrustedCa(), Problems.path(path, "trusted_ca"), problems) : null;
        Map<String, DataSourceSpec> domains = new LinkedHashMap<>();
        if (v.hasCustomValidatorConfig()) {
            String cp = Problems.path(path, "custom_validator_config");
            var custom = v.getCustomValidatorConfig();
            Supported.check(custom, cp, problems, Set.of("name", "typed_config"));
            if (!custom.getTypedConfig().getTypeUrl().equals(SPIFFE_VALIDATOR)) {
                problems.error(Problems.path(cp, "typed_config"), "unsupported certificate validator \"" + custom.getName()
                        + "\" of type " + ListenerDecoder.extensionName(custom.getTypedConfig()) + " (Outrigger implements: "
                        + MessageTypes.fullName(SPIFFE_VALIDATOR) + ")");
            } else {
                String tp = Problems.path(cp, "typed_config");
                SPIFFECertValidatorConfig spiffe = ListenerDecoder.unpack(custom.getTypedConfig(),
                        SPIFFECertValidatorConfig.getDefaultInstance(), tp, problems);
                if (spiffe != null) {
                    Supported.check(spiffe, tp, problems, Set.of("trust_domains"));
                    for (int i = 0; i < spiffe.getTrustDomainsCount(); i++) {
                        String dp = Problems.path(tp, "trust_domains[" + i + "]");
                        var td = spiffe.getTrustDomains(i);
                        Supported.check(td, dp, problems, Set.of("name", "trust_bundle"));
                        if (td.getName().isEmpty()) {
                            problems.error(Problems.path(dp, "name"), "missing (expected: a trust domain such as cluster.local)");
                            continue;
                        }
                        DataSourceSpec bundle = dataSource(td.hasTrustBundle(), td.getTrustBundle(),
                                Problems.path(dp, "trust_bundle"), problems);
                        if (bundle != null && domains.putIfAbsent(td.getName(), bundle) != null) {
                            problems.error(Problems.path(dp, "name"), "trust domain \"" + td.getName()
                                    + "\" listed twice (expected: one bundle per trust domain)");
                        }
                    }
                    if (spiffe.getTrustDomainsCount() == 0) {
                        problems.error(Problems.path(tp, "trust_domains"), "empty (expected at least one trust domain)");
                    }
                }
                if (trustedCa != null) {
                    problems.error(Problems.path(path, "trusted_ca"), "set with the SPIFFE validator (expected: "
                            + "the roots in its trust_domains only, as Envoy requires)");
                }
            }
        }
        List<SanMatcherSpec> matchers = new ArrayList<>();
        for (int i = 0; i < v.getMatchTypedSubjectAltNamesCount(); i++) {
            SanMatcherSpec m = san(v.getMatchTypedSubjectAltNames(i), Problems.path(path, "match_typed_subject_alt_names[" + i + "]"), problems);
            if (m != null) {
                matchers.add(m);
            }
        }
        return problems.errorCount() > before ? null : new ValidationContextSpec(trustedCa, domains, matchers);
    }

    private static SanMatcherSpec san(SubjectAltNameMatcher m, String path, Problems problems) {
        Supported.check(m, path, problems, SAN_FIELDS);
        SanMatcherSpec.SanType type = switch (m.getSanType()) {
            case URI -> SanMatcherSpec.SanType.URI;
            case DNS -> SanMatcherSpec.SanType.DNS;
            case EMAIL -> SanMatcherSpec.SanType.EMAIL;
            case IP_ADDRESS -> SanMatcherSpec.SanType.IP_ADDRESS;
            default -> {
                problems.error(Problems.path(path, "san_type"), m.getSanType() + " (expected: URI, DNS, EMAIL or IP_ADDRESS)");
                yield null;
            }
        };
        StringMatchSpec matcher = stringMatcher(m.getMatcher(), Problems.path(path, "matcher"), problems);
        return type == null || matcher == null ? null : new SanMatcherSpec(type, matcher);
    }

    /** {@code type.matcher.v3.StringMatcher}; {@code safe_regex} is checked to compile with RE2 syntax later. */
    static StringMatchSpec stringMatcher(StringMatcher m, String path, Problems problems) {
        Supported.check(m, path, problems, MATCHER_FIELDS);
        boolean ic = m.getIgnoreCase();
        return switch (m.getMatchPatternCase()) {
            case EXACT -> new StringMatchSpec(StringMatchSpec.Kind.EXACT, m.getExact(), ic);
            case PREFIX -> nonEmpty(StringMatchSpec.Kind.PREFIX, m.getPrefix(), ic, Problems.path(path, "prefix"), problems);
            case SUFFIX -> nonEmpty(StringMatchSpec.Kind.SUFFIX, m.getSuffix(), ic, Problems.path(path, "suffix"), problems);
            case CONTAINS -> nonEmpty(StringMatchSpec.Kind.CONTAINS, m.getContains(), ic, Problems.path(path, "contains"), problems);
            case SAFE_REGEX -> {
                String rp = Problems.path(path, "safe_regex");
                Supported.check(m.getSafeRegex(), rp, problems, Set.of("regex", "google_re2"));
                if (ic) {
                    problems.error(Problems.path(path, "ignore_case"), "true with safe_regex (Envoy rejects it; use (?i) in the regex)");
                }
                try {
                    com.google.re2j.Pattern.compile(m.getSafeRegex().getRegex());
                } catch (com.google.re2j.PatternSyntaxException e) {
                    problems.error(Problems.path(rp, "regex"), "invalid regular expression: " + e.getDescription());
                    yield null;
                }
                yield new StringMatchSpec(StringMatchSpec.Kind.SAFE_REGEX, m.getSafeRegex().getRegex(), false);
            }
            default -> {
                problems.error(path, "no match pattern (expected one of: exact, prefix, suffix, contains, safe_regex)");
                yield null;
            }
        };
    }

    private static StringMatchSpec nonEmpty(StringMatchSpec.Kind kind, String value, boolean ic, String path, Problems problems) {
        if (value.isEmpty()) {
            problems.error(path, "empty (expected: a non-empty string, as Envoy requires)");
            return null;
        }
        return new StringMatchSpec(kind, value, ic);
    }

    private static SecretRefSpec sds(SdsSecretConfig c, String path, Problems problems) {
        Supported.check(c, path, problems, SDS_FIELDS);
        if (c.getName().isEmpty()) {
            problems.error(Problems.path(path, "name"), "missing (expected: the secret's name, e.g. default or ROOTCA)");
            return null;
        }
        // Any config source is accepted: the secret is then delivered by SDS (static secrets stand in meanwhile).
        return new SecretRefSpec(c.getName(), c.hasSdsConfig());
    }

    private static DataSourceSpec dataSource(boolean present, DataSource d, String path, Problems problems) {
        if (!present) {
            problems.error(path, "missing (expected: filename, inline_string or inline_bytes)");
            return null;
        }
        Supported.check(d, path, problems, Set.of("filename", "inline_string", "inline_bytes"));
        return switch (d.getSpecifierCase()) {
            case FILENAME -> d.getFilename().isEmpty() ? empty(path, problems) : DataSourceSpec.file(d.getFilename());
            case INLINE_STRING -> DataSourceSpec.inline(d.getInlineString());
            case INLINE_BYTES -> DataSourceSpec.inline(d.getInlineBytes().toString(StandardCharsets.ISO_8859_1));
            default -> empty(path, problems);
        };
    }

    private static DataSourceSpec empty(String path, Problems problems) {
        problems.error(path, "empty (expected: filename, inline_string or inline_bytes)");
        return null;
    }

    /** One of {@code static_resources.secrets}. */
    static SecretSpec secret(Secret s, String path, Problems problems) {
        problems.enter("Secret", s.getName());
        int before = problems.errorCount();
        Supported.check(s, path, problems, SECRET_FIELDS);
        if (s.getName().isEmpty()) {
            problems.error(Problems.path(path, "name"), "missing (expected: the name filter chains and clusters refer to)");
        }
        TlsCertificateSpec cert = null;
        ValidationContextSpec validation = null;
        switch (s.getTypeCase()) {
            case TLS_CERTIFICATE -> cert = certificate(s.getTlsCertificate(), Problems.path(path, "tls_certificate"), problems);
            case VALIDATION_CONTEXT -> {
                validation = validation(s.getValidationContext(), Problems.path(path, "validation_context"), problems);
                if (validation != null && !validation.hasRoots()) {
                    problems.error(Problems.path(path, "validation_context"), "no roots (expected: trusted_ca or a SPIFFE validator)");
                }
            }
            default -> problems.error(path, "no tls_certificate or validation_context (Outrigger implements these two secret types)");
        }
        return problems.errorCount() > before ? null : new SecretSpec(s.getName(), cert, validation);
    }
}
