package io.outrigger.tls.context;

import io.netty.handler.ssl.SslProvider;
import io.outrigger.tls.metrics.TlsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How TLS contexts are built and observed, shared by every listener and cluster.
 *
 * @param provider BoringSSL ({@link SslProvider#OPENSSL}) or {@link SslProvider#JDK}
 * @param clock the time certificates are checked against and expiry is computed from
 * @param metrics where handshakes and certificate loads are reported
 * @param expiryWarning how long before a connection's certificate (ours or the peer's) expires the
 *                      {@link CertificateExpiringEvent} fires
 * @param handshakeTimeout how long a handshake may take before the connection is closed (Envoy:
 *                         {@code transport_socket_connect_timeout}); counted as {@code HANDSHAKE_ERROR}
 */
public record TlsOptions(SslProvider provider, Clock clock, TlsMetrics metrics, Duration expiryWarning,
                         Duration handshakeTimeout) {
    public TlsOptions {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(expiryWarning, "expiryWarning");
        if (expiryWarning.isNegative()) {
            throw new IllegalArgumentException("expiryWarning: " + expiryWarning + " (expected: >= 0)");
        }
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout: " + handshakeTimeout + " (expected: > 0)");
        }
        if (provider != SslProvider.OPENSSL && provider != SslProvider.JDK) {
            throw new IllegalArgumentException("provider: " + provider + " (expected: OPENSSL or JDK)");
        }
    }

    /** The preferred provider, the system clock, no metrics, a 1 minute expiry warning, 10 s handshakes. */
    public static TlsOptions defaults() {
        return new TlsOptions(TlsProviders.preferred(), Clock.systemUTC(), TlsMetrics.NOOP, Duration.ofMinutes(1),
                Duration.ofSeconds(10));
    }

    /** These options with another provider. */
    public TlsOptions withProvider(SslProvider p) {
        return new TlsOptions(p, clock, metrics, expiryWarning, handshakeTimeout);
    }

    /** These options with another clock. */
    public TlsOptions withClock(Clock c) {
        return new TlsOptions(provider, c, metrics, expiryWarning, handshakeTimeout);
    }

    /** These options with other metrics. */
    public TlsOptions withMetrics(TlsMetrics m) {
        return new TlsOptions(provider, clock, m, expiryWarning, handshakeTimeout);
    }

    /** These options with another expiry warning. */
    public TlsOptions withExpiryWarning(Duration d) {
        return new TlsOptions(provider, clock, metrics, d, handshakeTimeout);
    }

    /** These options with another handshake timeout. */
    public TlsOptions withHandshakeTimeout(Duration d) {
        return new TlsOptions(provider, clock, metrics, expiryWarning, d);
    }
}
