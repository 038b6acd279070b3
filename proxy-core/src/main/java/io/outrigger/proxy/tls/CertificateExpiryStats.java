package io.outrigger.proxy.tls;

import io.micrometer.core.instrument.Tags;
import io.outrigger.proxy.stats.Stats;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.metrics.TlsMetrics;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates the proxy presents, as stats: per TLS certificate secret (each SVID),
 * {@code tls.certificate.<secret>.expiration_unix_time_seconds} (Prometheus
 * {@code envoy_tls_certificate_expiration_unix_time_seconds{envoy_tls_certificate_name}}, as Envoy's per
 * certificate expiry gauge), updated on every (re)load; and {@code tls.secret_load_failure}, secret files that
 * could not be (re)loaded. Gauges are bound when the config names the secret; callbacks run on the control
 * or file-watching thread.
 */
final class CertificateExpiryStats implements TlsMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateExpiryStats.class);

    private final Stats stats;
    private final Map<String, LongAdder> expiry = new ConcurrentHashMap<>();
    private final Map<String, BigInteger> serials = new ConcurrentHashMap<>();
    private final LongAdder loadFailures;

    CertificateExpiryStats(Stats stats) {
        this.stats = stats;
        this.loadFailures = stats.stat("tls.secret_load_failure", "envoy_tls_secret_load_failure", Tags.empty());
    }

    /** Binds the gauge of a certificate secret (config time). */
    void bind(String secretName) {
        expiry.computeIfAbsent(secretName, n -> stats.stat("tls.certificate." + n + ".expiration_unix_time_seconds",
                "envoy_tls_certificate_expiration_unix_time_seconds", Tags.of("envoy_tls_certificate_name", n)));
    }

    @Override
    public void certificateLoaded(String secretName, SpiffeId spiffeId, BigInteger serial, Instant notAfter) {
        serials.put(secretName, serial);
        LongAdder g = expiry.get(secretName);
        if (g != null) {
            // A gauge set through an adder: add the difference (one writer: the publishing thread).
            g.add(notAfter.getEpochSecond() - g.sum());
        }
        LOG.info("TLS certificate '{}' is {} (serial {}), valid until {}", secretName, spiffeId, serial.toString(16), notAfter);
    }

    @Override
    public void secretLoadFailed(String secretName, String message) {
        loadFailures.increment();
    }

    /** The serial of the certificate last loaded under {@code secretName}, or {@code null}. */
    BigInteger serial(String secretName) {
        return serials.get(secretName);
    }
}
