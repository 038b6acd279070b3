package io.outrigger.tls.verify;

import java.security.cert.CertificateException;
import java.util.Objects;

/**
 * Thrown by {@link SpiffeTrustManager} to fail a handshake; carries the {@link FailureReason} so the handshake
 * observer (and logs) can tell an expired peer from an unknown CA.
 */
public final class PeerVerificationException extends CertificateException {
    private static final long serialVersionUID = 1L;

    private final FailureReason reason;

    PeerVerificationException(FailureReason reason, String message) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the peer was rejected. */
    public FailureReason reason() {
        return reason;
    }
}
