package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code tls.v3.CertificateValidationContext}: whom a peer's certificate must chain to, and which SANs
 * it must carry.
 *
 * @param trustedCa {@code trusted_ca} (PEM roots), or {@code null}
 * @param trustDomains the bundles of {@code custom_validator_config} {@code envoy.tls.cert_validator.spiffe}
 *                     ({@code SPIFFECertValidatorConfig.trust_domains}), by trust domain name, in the order
 *                     written; empty without that validator
 * @param sanMatchers {@code match_typed_subject_alt_names}; empty: any SAN
 */
public record ValidationContextSpec(DataSourceSpec trustedCa, Map<String, DataSourceSpec> trustDomains,
                                    List<SanMatcherSpec> sanMatchers) {
    public ValidationContextSpec {
        trustDomains = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(
                Objects.requireNonNull(trustDomains, "trustDomains")));
        sanMatchers = List.copyOf(sanMatchers);
    }

    /** Whether it names any root to verify peers against (a combined context's default part may not). */
    public boolean hasRoots() {
        return trustedCa != null || !trustDomains.isEmpty();
    }
}
