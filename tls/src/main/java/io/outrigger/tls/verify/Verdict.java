package io.outrigger.tls.verify;

import io.outrigger.tls.identity.SpiffeId;
import java.util.Objects;

/**
 * The outcome of verifying a peer's certificate chain.
 *
 * @param peer the peer's SPIFFE ID when it could be read (also on some failures, for logging), else null
 * @param failure null when the peer is accepted
 * @param detail a human-readable explanation of the failure, empty on success
 */
public record Verdict(SpiffeId peer, FailureReason failure, String detail) {
    public Verdict {
        Objects.requireNonNull(detail, "detail");
    }

    static Verdict accepted(SpiffeId peer) {
        return new Verdict(Objects.requireNonNull(peer, "peer"), null, "");
    }

    static Verdict rejected(SpiffeId peer, FailureReason reason, String detail) {
        return new Verdict(peer, Objects.requireNonNull(reason, "reason"), detail);
    }

    /** Whether the peer is accepted. */
    public boolean ok() {
        return failure == null;
    }
}
