package io.outrigger.tls.context;

import java.util.List;
import java.util.Objects;

/**
 * Envoy's {@code TlsParameters}: the protocol range and the TLS 1.2 cipher suites. As in Envoy, the cipher
 * list does not restrict TLS 1.3, whose suites are always the standard three.
 *
 * @param min lowest version offered
 * @param max highest version offered
 * @param cipherSuites TLS 1.2 suites in OpenSSL ({@code ECDHE-ECDSA-AES128-GCM-SHA256}) or IANA/JSSE
 *                     ({@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}) spelling; empty: the provider's
 *                     defaults
 */
public record TlsParams(TlsVersion min, TlsVersion max, List<String> cipherSuites) {
    /** TLS 1.3 only, default suites: what a mesh uses between its own sidecars. */
    public static final TlsParams DEFAULT = new TlsParams(TlsVersion.TLS_1_3, TlsVersion.TLS_1_3, List.of());

    public TlsParams {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        cipherSuites = List.copyOf(cipherSuites);
        if (min.compareTo(max) > 0) {
            throw new IllegalArgumentException("TLS versions: min " + min.jdkName() + " > max " + max.jdkName()
                    + " (expected: min <= max)");
        }
    }

    /** TLS 1.2 and 1.3, default suites. */
    public static TlsParams allowTls12() {
        return new TlsParams(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3, List.of());
    }

    /** The enabled protocols in JSSE names, lowest first. */
    List<String> protocols() {
        return java.util.Arrays.stream(TlsVersion.values())
                .filter(v -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0)
                .map(TlsVersion::jdkName)
                .toList();
    }
}
