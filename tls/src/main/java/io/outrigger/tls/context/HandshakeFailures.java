package io.outrigger.tls.context;

import io.outrigger.tls.metrics.Side;
import io.outrigger.tls.verify.FailureReason;
import io.outrigger.tls.verify.PeerVerificationException;
import java.util.Locale;

/** Turns a handshake failure into a {@link FailureReason}. */
final class HandshakeFailures {
    private HandshakeFailures() {
    }

    static FailureReason classify(Throwable failure, Side side) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PeerVerificationException p) {
                return p.reason();
            }
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof PeerVerificationException p) {
                    return p.reason();
                }
            }
        }
        if (side == Side.SERVER && isNoClientCertificate(failure)) {
            return FailureReason.NO_CLIENT_CERT;
        }
        return FailureReason.HANDSHAKE_ERROR;
    }

    /**
     * A server requiring a client certificate fails before any trust manager runs when the client sends
     * none, so the only trace is the provider's message: JSSE's "Empty client certificate chain", BoringSSL's
     * PEER_DID_NOT_RETURN_A_CERTIFICATE.
     */
    private static boolean isNoClientCertificate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            String lower = m.toLowerCase(Locale.ROOT);
            if (lower.contains("empty client certificate chain") || lower.contains("peer_did_not_return_a_certificate")
                    || lower.contains("certificate_required")) {
                return true;
            }
        }
        return false;
    }
}
