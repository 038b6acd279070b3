package io.outrigger.tls.context;

import io.outrigger.tls.verify.SanMatcher;
import java.util.List;
import java.util.Objects;

/**
 * A listener's TLS, Envoy's {@code DownstreamTlsContext} reduced to what we use.
 *
 * @param certificateName the TLS certificate secret we present (Istio: {@code default})
 * @param validationContextName the validation context secret client certificates are verified with
 *                              (Istio: {@code ROOTCA}); null only with {@link ClientCertificateMode#NONE}
 * @param clientCertificate whether a client certificate is requested/required
 * @param sanMatchers {@code match_typed_subject_alt_names}; empty: any verified SPIFFE ID
 * @param params protocol range and cipher suites
 * @param alpn protocols offered, most preferred first (Istio: {@code h2}, {@code http/1.1}); empty: no ALPN
 */
public record ServerTlsConfig(String certificateName, String validationContextName,
                              ClientCertificateMode clientCertificate, List<SanMatcher> sanMatchers, TlsParams params,
                              List<String> alpn) {
    public ServerTlsConfig {
        Objects.requireNonNull(certificateName, "certificateName");
        Objects.requireNonNull(clientCertificate, "clientCertificate");
        Objects.requireNonNull(params, "params");
        sanMatchers = List.copyOf(sanMatchers);
        alpn = List.copyOf(alpn);
        if (clientCertificate != ClientCertificateMode.NONE && validationContextName == null) {
            throw new IllegalArgumentException("validationContextName: null (expected: a validation context when client"
                    + " certificates are " + clientCertificate + ")");
        }
    }

    /** Istio-style mTLS: require a client SVID verified against {@code validationContextName}, TLS 1.3. */
    public static ServerTlsConfig mutual(String certificateName, String validationContextName) {
        return new ServerTlsConfig(certificateName, validationContextName, ClientCertificateMode.REQUIRE, List.of(),
                TlsParams.DEFAULT, List.of());
    }

    /** This config with other SAN matchers. */
    public ServerTlsConfig withSanMatchers(List<SanMatcher> matchers) {
        return new ServerTlsConfig(certificateName, validationContextName, clientCertificate, matchers, params, alpn);
    }

    /** This config with another client certificate mode. */
    public ServerTlsConfig withClientCertificate(ClientCertificateMode mode) {
        return new ServerTlsConfig(certificateName, validationContextName, mode, sanMatchers, params, alpn);
    }

    /** This config with other TLS parameters. */
    public ServerTlsConfig withParams(TlsParams p) {
        return new ServerTlsConfig(certificateName, validationContextName, clientCertificate, sanMatchers, p, alpn);
    }

    /** This config with ALPN protocols. */
    public ServerTlsConfig withAlpn(List<String> protocols) {
        return new ServerTlsConfig(certificateName, validationContextName, clientCertificate, sanMatchers, params, protocols);
    }
}
