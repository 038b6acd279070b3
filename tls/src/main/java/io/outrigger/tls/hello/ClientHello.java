package io.outrigger.tls.hello;

import java.util.List;
import java.util.Objects;

/**
 * What the first bytes of a connection say: not enough yet, not TLS, a TLS ClientHello (with its SNI and ALPN
 * offer, as Envoy's {@code tls_inspector} exposes them to filter chain matching), or TLS-looking bytes that are
 * malformed or absurdly large.
 *
 * @param status the verdict
 * @param serverName the SNI host name, or null (no SNI, or not {@link Status#TLS})
 * @param alpn the offered application protocols in the client's order, GREASE removed
 * @param supportedVersions the {@code supported_versions} offer (e.g. {@code 0x0304} for TLS 1.3), GREASE
 *                          removed; empty for a TLS 1.2-only client
 * @param legacyVersion the ClientHello's {@code legacy_version} (0x0303 for TLS 1.2 and 1.3 clients)
 * @param bytes the number of bytes (records included) the ClientHello spans, 0 unless {@link Status#TLS}
 * @param reason why the bytes are {@link Status#NOT_TLS} or {@link Status#INVALID}; empty otherwise
 */
public record ClientHello(Status status, String serverName, List<String> alpn, List<Integer> supportedVersions,
                          int legacyVersion, int bytes, String reason) {
    /** The verdict of an inspection. */
    public enum Status {
        /** Consistent with TLS so far: read more and inspect again (Envoy keeps peeking). */
        NEED_MORE,
        /** Not TLS: plaintext (Envoy's {@code tls_not_found}). */
        NOT_TLS,
        /** A complete ClientHello. */
        TLS,
        /** TLS record framing with impossible lengths or a malformed ClientHello: close the connection. */
        INVALID
    }

    static final ClientHello NEED_MORE = new ClientHello(Status.NEED_MORE, null, List.of(), List.of(), 0, 0, "");

    public ClientHello {
        Objects.requireNonNull(status, "status");
        alpn = List.copyOf(alpn);
        supportedVersions = List.copyOf(supportedVersions);
        Objects.requireNonNull(reason, "reason");
    }

    static ClientHello notTls(String reason) {
        return new ClientHello(Status.NOT_TLS, null, List.of(), List.of(), 0, 0, reason);
    }

    static ClientHello invalid(String reason) {
        return new ClientHello(Status.INVALID, null, List.of(), List.of(), 0, 0, reason);
    }

    /** Whether the client offers TLS 1.3. */
    public boolean offersTls13() {
        return supportedVersions.contains(0x0304);
    }
}
