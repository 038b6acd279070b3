package io.outrigger.tls.verify;

/**
 * Why a handshake failed, in the terms Envoy's {@code ssl.fail_verify_*} statistics use. The first six are
 * verdicts of our certificate verification; {@link #HANDSHAKE_ERROR} is everything else (protocol or cipher
 * mismatch, a fatal alert from the peer, a closed connection).
 */
public enum FailureReason {
    /** A certificate of the peer's chain is past its notAfter. */
    EXPIRED,
    /** A certificate of the peer's chain is before its notBefore. */
    NOT_YET_VALID,
    /** No trust bundle for the peer's trust domain, or the chain does not verify to it. */
    UNKNOWN_CA,
    /** The peer's SAN matches none of the configured SAN matchers. */
    SAN_MISMATCH,
    /** Client certificate required and none presented. */
    NO_CLIENT_CERT,
    /** The peer's leaf is not an X.509-SVID (zero or several URI SANs, not a SPIFFE ID, a CA). */
    BAD_SVID,
    /** Not a certificate problem. */
    HANDSHAKE_ERROR
}
