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
 */
public record TlsOptions(SslProvider provider, Clock clock, TlsMetrics metrics, Duration expiryWarning) {
    public TlsOptions {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(expiryWarning, "expiryWarning");
        if (expiryWarning.isNegative()) {
            throw new IllegalArgumentException("expiryWarning: " + expiryWarning + " (expected: >= 0)");
        }
        if (provider != SslProvider.OPENSSL && provider != SslProvider.JDK) {
            throw new IllegalArgumentException("provider: " + provider + " (expected: OPENSSL or JDK)");
        }
    }

    /** The preferred provider, the system clock, no metrics, a 1 minute expiry warning. */
    public static TlsOptions defaults() {
        return new TlsOptions(TlsProviders.preferred(), Clock.systemUTC(), TlsMetrics.NOOP, Duration.ofMinutes(1));
    }

    /** These options with another provider. */
    public TlsOptions withProvider(SslProvider p) {
        return new TlsOptions(p, clock, metrics, expiryWarning);
    }

    /** These options with another clock. */
    public TlsOptions withClock(Clock c) {
        return new TlsOptions(provider, c, metrics, expiryWarning);
    }

    /** These options with other metrics. */
    public TlsOptions withMetrics(TlsMetrics m) {
        return new TlsOptions(provider, clock, m, expiryWarning);
    }

    /** These options with another expiry warning. */
    public TlsOptions withExpiryWarning(Duration d) {
        return new TlsOptions(provider, clock, metrics, d);
    }
}
