package io.outrigger.tls.context;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundles;
import io.outrigger.tls.verify.SanMatcher;
import io.outrigger.tls.verify.SpiffeTrustManager;
import io.outrigger.tls.verify.SpiffeVerifier;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Builds Netty {@link SslContext}s from an identity, trust bundles and a config, for either provider. Used by
 * {@link TlsContextSource} on every secret change; public for benchmarks and tools that need one context.
 */
public final class SslContexts {
    /** The TLS 1.3 suites; always enabled with TLS 1.3, as Envoy's cipher list only governs TLS 1.2. */
    static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");

    private SslContexts() {
    }

    /** A server context presenting {@code svid}, verifying clients against {@code bundles} if asked to. */
    public static SslContext server(Svid svid, TrustBundles bundles, ServerTlsConfig config, SslProvider provider,
            Clock clock) throws SSLException {
        Objects.requireNonNull(svid, "svid");
        Objects.requireNonNull(config, "config");
        SslContextBuilder b = SslContextBuilder.forServer(svid.privateKey(), svid.chain()).sslProvider(provider);
        if (config.clientCertificate() != ClientCertificateMode.NONE) {
            Objects.requireNonNull(bundles, "bundles");
            b.trustManager(trustManager(bundles, config.sanMatchers(), clock));
            b.clientAuth(config.clientCertificate() == ClientCertificateMode.REQUIRE ? ClientAuth.REQUIRE
                    : ClientAuth.OPTIONAL);
        }
        common(b, config.params(), config.alpn(), provider);
        return b.build();
    }

    /** A client context presenting {@code svid} (may be null), verifying servers against {@code bundles}. */
    public static SslContext client(Svid svid, TrustBundles bundles, ClientTlsConfig config, SslProvider provider,
            Clock clock) throws SSLException {
        Objects.requireNonNull(bundles, "bundles");
        Objects.requireNonNull(config, "config");
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider)
                .trustManager(trustManager(bundles, config.sanMatchers(), clock))
                // SVIDs carry a URI SAN and no DNS name: the SPIFFE ID check replaces host name verification.
                .endpointIdentificationAlgorithm(null);
        if (svid != null) {
            b.keyManager(svid.privateKey(), svid.chain());
        }
        common(b, config.params(), config.alpn(), provider);
        return b.build();
    }

    private static SpiffeTrustManager trustManager(TrustBundles bundles, List<SanMatcher> matchers, Clock clock) {
        return new SpiffeTrustManager(new SpiffeVerifier(bundles, matchers, clock));
    }

    private static void common(SslContextBuilder b, TlsParams params, List<String> alpn, SslProvider provider) {
        b.protocols(params.protocols());
        List<String> suites = cipherSuites(params, provider);
        if (!suites.isEmpty()) {
            b.ciphers(suites);
        }
        if (!alpn.isEmpty()) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    // The only behaviours both providers support: carry on without ALPN when nothing matches.
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
    }

    /** The suites to enable, in the provider's spelling; unknown names are rejected by name. */
    static List<String> cipherSuites(TlsParams params, SslProvider provider) {
        if (params.cipherSuites().isEmpty()) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        Set<String> jdkSupported = provider == SslProvider.JDK ? jdkSupportedSuites() : Set.of();
        for (String name : params.cipherSuites()) {
            String resolved = name;
            if (provider == SslProvider.JDK) {
                String java = CipherSuiteConverter.toJava(name, "TLS");
                resolved = java != null ? java : name;
                if (!jdkSupported.contains(resolved)) {
                    throw new IllegalArgumentException("cipher suite '" + name + "' is not supported by the JDK provider");
                }
            } else if (!OpenSsl.isCipherSuiteAvailable(name)) {
                throw new IllegalArgumentException("cipher suite '" + name + "' is not supported by BoringSSL");
            }
            out.add(resolved);
        }
        if (params.max() == TlsVersion.TLS_1_3) {
            out.addAll(TLS13_SUITES);
        }
        return new ArrayList<>(out);
    }

    private static Set<String> jdkSupportedSuites() {
        try {
            return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default JSSE context", e);
        }
    }
}
