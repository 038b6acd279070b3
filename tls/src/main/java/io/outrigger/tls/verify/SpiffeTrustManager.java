package io.outrigger.tls.verify;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that accepts a peer only when {@link SpiffeVerifier} does, for both Netty providers
 * (BoringSSL calls it from its verify callback). It never checks host names, whatever the engine's endpoint
 * identification says. It announces no acceptable issuers, like Envoy: otherwise a JDK client would withhold
 * a certificate from a trust domain the server does not know, hiding the real reason (unknown CA) behind
 * "no client certificate".
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private final SpiffeVerifier verifier;

    /** Trusts what {@code verifier} accepts. */
    public SpiffeTrustManager(SpiffeVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        Verdict v = verifier.verify(chain);
        if (!v.ok()) {
            throw new PeerVerificationException(v.failure(), v.detail());
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
