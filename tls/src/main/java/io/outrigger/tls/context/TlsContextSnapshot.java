package io.outrigger.tls.context;

import io.netty.handler.ssl.SslContext;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundles;
import java.util.Objects;

/**
 * One immutable generation of a listener's or cluster's TLS: the context and what it was built from.
 * Handlers made from it keep it alive, so connections opened before a rotation keep their certificate.
 *
 * @param sslContext the Netty context
 * @param svid the identity presented; null for a client without a certificate
 * @param bundles the trust bundles peers are verified against; null for a server not asking for certificates
 * @param generation 1 for the first context built by a source, then +1 per rebuild
 */
public record TlsContextSnapshot(SslContext sslContext, Svid svid, TrustBundles bundles, long generation) {
    public TlsContextSnapshot {
        Objects.requireNonNull(sslContext, "sslContext");
    }
}
