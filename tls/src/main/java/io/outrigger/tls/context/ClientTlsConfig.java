package io.outrigger.tls.context;

import io.outrigger.tls.verify.SanMatcher;
import java.util.List;
import java.util.Objects;

/**
 * A cluster's TLS, Envoy's {@code UpstreamTlsContext} reduced to what we use. SNI is not here: the caller
 * gives it per connection ({@link TlsContextSource#newHandler(io.netty.buffer.ByteBufAllocator, String, int)}),
 * as Envoy's {@code sni} / {@code auto_sni} decide it per upstream.
 *
 * @param certificateName the TLS certificate secret we present; null: no client certificate
 * @param validationContextName the validation context the server is verified with (Istio: {@code ROOTCA})
 * @param sanMatchers {@code match_typed_subject_alt_names} (Istio: the expected server identities)
 * @param params protocol range and cipher suites
 * @param alpn protocols offered, most preferred first (Istio: {@code istio-peer-exchange}, {@code istio})
 */
public record ClientTlsConfig(String certificateName, String validationContextName, List<SanMatcher> sanMatchers,
                              TlsParams params, List<String> alpn) {
    public ClientTlsConfig {
        Objects.requireNonNull(validationContextName, "validationContextName");
        Objects.requireNonNull(params, "params");
        sanMatchers = List.copyOf(sanMatchers);
        alpn = List.copyOf(alpn);
    }

    /** Istio-style mTLS: present {@code certificateName}, verify the server with {@code validationContextName}. */
    public static ClientTlsConfig mutual(String certificateName, String validationContextName) {
        return new ClientTlsConfig(certificateName, validationContextName, List.of(), TlsParams.DEFAULT, List.of());
    }

    /** This config with other SAN matchers. */
    public ClientTlsConfig withSanMatchers(List<SanMatcher> matchers) {
        return new ClientTlsConfig(certificateName, validationContextName, matchers, params, alpn);
    }

    /** This config with other TLS parameters. */
    public ClientTlsConfig withParams(TlsParams p) {
        return new ClientTlsConfig(certificateName, validationContextName, sanMatchers, p, alpn);
    }

    /** This config with ALPN protocols. */
    public ClientTlsConfig withAlpn(List<String> protocols) {
        return new ClientTlsConfig(certificateName, validationContextName, sanMatchers, params, protocols);
    }
}
