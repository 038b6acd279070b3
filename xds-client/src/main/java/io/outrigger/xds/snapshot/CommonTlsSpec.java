package io.outrigger.xds.snapshot;

import java.util.List;

/**
 * {@code tls.v3.CommonTlsContext}, the part shared by listeners and clusters.
 *
 * @param certificates {@code tls_certificates} (at most one is used, as Outrigger serves one identity)
 * @param certificateSecret {@code tls_certificate_sds_secret_configs[0]}, or {@code null}
 * @param validation {@code validation_context}, or the {@code default_validation_context} of a
 *                   {@code combined_validation_context}; {@code null} when neither is set
 * @param validationSecret the SDS validation context ({@code validation_context_sds_secret_config}, alone
 *                         or in a combined context), or {@code null}
 * @param alpnProtocols offered/accepted ALPN protocols, most preferred first
 * @param minVersion {@code tls_params.tls_minimum_protocol_version} as written ({@code TLSv1_2}), or
 *                   {@code null} for TLS_AUTO
 * @param maxVersion likewise for the maximum
 * @param cipherSuites {@code tls_params.cipher_suites}; empty: the defaults
 */
public record CommonTlsSpec(List<TlsCertificateSpec> certificates, SecretRefSpec certificateSecret,
                            ValidationContextSpec validation, SecretRefSpec validationSecret,
                            List<String> alpnProtocols, String minVersion, String maxVersion,
                            List<String> cipherSuites) {
    public CommonTlsSpec {
        certificates = List.copyOf(certificates);
        alpnProtocols = List.copyOf(alpnProtocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /** Whether peers are verified (a validation context with roots, or one from a secret). */
    public boolean verifiesPeer() {
        return validationSecret != null || (validation != null && validation.hasRoots());
    }

    /** Whether we present a certificate. */
    public boolean hasCertificate() {
        return certificateSecret != null || !certificates.isEmpty();
    }
}
