package io.outrigger.tls.context;

import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.outrigger.tls.identity.InvalidSvidException;
import io.outrigger.tls.identity.SpiffeId;
import io.outrigger.tls.identity.SvidCertificates;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.SSL;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The TLS facts of one established connection: who the peer is, what was negotiated, and when the
 * certificates it relies on expire. Set as the channel attribute {@link #ATTR} by {@link TlsHandshakeObserver}.
 *
 * @param protocol {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite the negotiated suite
 * @param alpn the negotiated application protocol, or null
 * @param sni the server name the client sent (server side) or asked for (client side), or null
 * @param peer the peer's SPIFFE ID, or null when it presented no certificate (optional client auth)
 * @param peerLeaf the peer's leaf certificate, or null
 * @param localNotAfter expiry of the certificate we presented, or null when we presented none
 * @param peerNotAfter expiry of the peer's leaf, or null
 */
public record TlsConnectionInfo(String protocol, String cipherSuite, String alpn, String sni, SpiffeId peer,
                                X509Certificate peerLeaf, Instant localNotAfter, Instant peerNotAfter) {
    /** Where {@link TlsHandshakeObserver} puts the info of a connection. */
    public static final AttributeKey<TlsConnectionInfo> ATTR = AttributeKey.valueOf(TlsConnectionInfo.class, "tls");

    public TlsConnectionInfo {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
    }

    /** The peer's SPIFFE ID, if it presented a certificate. */
    public Optional<SpiffeId> peerId() {
        return Optional.ofNullable(peer);
    }

    /** When the first certificate this connection relies on expires, if any. */
    public Optional<Instant> expiresAt() {
        if (localNotAfter == null) {
            return Optional.ofNullable(peerNotAfter);
        }
        if (peerNotAfter == null) {
            return Optional.of(localNotAfter);
        }
        return Optional.of(localNotAfter.isBefore(peerNotAfter) ? localNotAfter : peerNotAfter);
    }

    /**
     * Reads the facts of a handshake that completed on {@code handler}.
     *
     * @param localFallback what we presented, used if the engine does not report its local certificates
     */
    public static TlsConnectionInfo of(SslHandler handler, X509Certificate localFallback) {
        SSLSession s = handler.engine().getSession();
        X509Certificate peerLeaf = null;
        try {
            Certificate[] peer = s.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate x) {
                peerLeaf = x;
            }
        } catch (SSLPeerUnverifiedException e) {
            // No peer certificate: an optional-client-auth server talking to an anonymous client.
        }
        X509Certificate local = localFallback;
        Certificate[] locals = s.getLocalCertificates();
        if (locals != null && locals.length > 0 && locals[0] instanceof X509Certificate x) {
            local = x;
        }
        SpiffeId peerId = null;
        if (peerLeaf != null) {
            try {
                peerId = SvidCertificates.spiffeIdOf(peerLeaf);
            } catch (InvalidSvidException e) {
                // Verified by a trust manager, so this happens only with a non-SPIFFE peer; leave the id empty.
            }
        }
        String sni = requestedServerName(handler.engine(), s);
        return new TlsConnectionInfo(s.getProtocol(), s.getCipherSuite(), handler.applicationProtocol(), sni, peerId,
                peerLeaf, local == null ? null : local.getNotAfter().toInstant(),
                peerLeaf == null ? null : peerLeaf.getNotAfter().toInstant());
    }

    private static String requestedServerName(SSLEngine engine, SSLSession session) {
        if (engine.getUseClientMode()) {
            return engine.getPeerHost();
        }
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            // BoringSSL keeps the name as sent; going through SNIHostName would drop names with '_' (Istio's).
            synchronized (openSsl) {
                long ssl = openSsl.sslPointer();
                return ssl == 0 ? null : SSL.getSniHostname(ssl);
            }
        }
        if (session instanceof ExtendedSSLSession ext) {
            for (SNIServerName name : ext.getRequestedServerNames()) {
                if (name instanceof SNIHostName h) {
                    return h.getAsciiName();
                }
            }
        }
        return null;
    }
}
