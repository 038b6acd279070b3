package io.outrigger.tls.identity;

/** A PEM file or blob could not be read as the certificates or key it should hold; the message names the source. */
public final class PemException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    PemException(String message) {
        super(message);
    }

    PemException(String message, Throwable cause) {
        super(message, cause);
    }
}
