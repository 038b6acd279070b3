package io.outrigger.tls.context;

import java.time.Instant;
import java.util.Objects;

/**
 * Fired down a channel's pipeline by {@link TlsHandshakeObserver} {@link TlsOptions#expiryWarning()} before
 * the first certificate of the connection (ours or the peer's leaf) expires, so proxy-core can drain the
 * connection (HTTP/2 GOAWAY, close after the current request) while it is still valid.
 *
 * @param connection the connection's TLS facts
 * @param expiresAt when the first of its certificates expires
 */
public record CertificateExpiringEvent(TlsConnectionInfo connection, Instant expiresAt) {
    public CertificateExpiringEvent {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
