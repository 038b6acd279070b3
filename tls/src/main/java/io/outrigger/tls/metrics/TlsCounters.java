package io.outrigger.tls.metrics;

import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.verify.FailureReason;
import java.math.BigInteger;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A ready-made {@link TlsMetrics}: lock-free counters per side and failure reason, and the expiry of every
 * loaded certificate. Used by tests and the admin server; proxy-core may wrap it for Micrometer.
 */
public final class TlsCounters implements TlsMetrics {
    private final Map<Side, LongAdder> succeeded = new EnumMap<>(Side.class);
    private final Map<Side, Map<FailureReason, LongAdder>> failed = new EnumMap<>(Side.class);
    private final Map<String, Instant> expiry = new ConcurrentHashMap<>();
    private final Map<String, BigInteger> serials = new ConcurrentHashMap<>();
    private final LongAdder loadFailures = new LongAdder();

    /** All counters at zero. */
    public TlsCounters() {
        // Every key is created up front so the event-loop path never allocates or locks.
        for (Side s : Side.values()) {
            succeeded.put(s, new LongAdder());
            Map<FailureReason, LongAdder> m = new EnumMap<>(FailureReason.class);
            for (FailureReason r : FailureReason.values()) {
                m.put(r, new LongAdder());
            }
            failed.put(s, m);
        }
    }

    @Override
    public void handshakeSucceeded(Side side) {
        succeeded.get(side).increment();
    }

    @Override
    public void handshakeFailed(Side side, FailureReason reason) {
        failed.get(side).get(reason).increment();
    }

    @Override
    public void certificateLoaded(String secretName, SpiffeId spiffeId, BigInteger serial, Instant notAfter) {
        expiry.put(secretName, notAfter);
        serials.put(secretName, serial);
    }

    @Override
    public void secretLoadFailed(String secretName, String message) {
        loadFailures.increment();
    }

    /** Handshakes that succeeded on {@code side}. */
    public long succeeded(Side side) {
        return succeeded.get(side).sum();
    }

    /** Handshakes that failed on {@code side} for {@code reason}. */
    public long failed(Side side, FailureReason reason) {
        return failed.get(side).get(reason).sum();
    }

    /** Expiry of the certificate last loaded under {@code secretName}, or null. */
    public Instant expiry(String secretName) {
        return expiry.get(secretName);
    }

    /** Serial of the certificate last loaded under {@code secretName}, or null. */
    public BigInteger serial(String secretName) {
        return serials.get(secretName);
    }

    /** Secret loads that failed (garbage PEM, missing file, key mismatch). */
    public long loadFailures() {
        return loadFailures.sum();
    }
}
