package io.outrigger.tls.identity;

/**
 * A certificate chain is not a valid X.509-SVID: the leaf must carry exactly one URI SAN holding a SPIFFE ID
 * with a non-empty path, must not be a CA, and (for our own identity) must match its private key.
 */
public final class InvalidSvidException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidSvidException(String message) {
        super(message);
    }

    InvalidSvidException(String message, Throwable cause) {
        super(message, cause);
    }
}
