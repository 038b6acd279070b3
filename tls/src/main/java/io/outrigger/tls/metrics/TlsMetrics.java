package io.outrigger.tls.metrics;

import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.verify.FailureReason;
import java.math.BigInteger;
import java.time.Instant;

/**
 * What the TLS layer reports, for proxy-core to bind to Micrometer (Envoy's {@code ssl.handshake},
 * {@code ssl.fail_verify_*}, {@code server.days_until_first_cert_expiring}). Handshake callbacks run on
 * event loops and must be cheap and non-blocking (increment a pre-resolved counter); certificate callbacks
 * run on the control thread. Every method has an empty default so an implementation picks what it needs.
 */
public interface TlsMetrics {
    /** Reports nothing. */
    TlsMetrics NOOP = new TlsMetrics() {
    };

    /** A handshake completed and the peer (if it presented one) was verified. */
    default void handshakeSucceeded(Side side) {
    }

    /** A handshake failed; {@code reason} says why. */
    default void handshakeFailed(Side side, FailureReason reason) {
    }

    /** A TLS certificate secret was (re)loaded: the one that new handshakes now present. */
    default void certificateLoaded(String secretName, SpiffeId spiffeId, BigInteger serial, Instant notAfter) {
    }

    /** A secret source failed to load; the last good value is still served. */
    default void secretLoadFailed(String secretName, String message) {
    }
}
