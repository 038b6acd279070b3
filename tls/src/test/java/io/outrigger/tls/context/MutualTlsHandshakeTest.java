package io.outrigger.tls.context;

import static io.outrigger.tls.testing.Pki.BACKEND;
import static io.outrigger.tls.testing.Pki.FRONTEND;
import static io.outrigger.tls.testing.Pki.LOCAL_CA;
import static io.outrigger.tls.testing.Pki.REMOTE_CA;
import static io.outrigger.tls.testing.Pki.REMOTE_CLIENT;
import static io.outrigger.tls.testing.Pki.ROGUE_LOCAL_CA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.SslProvider;
import io.outrigger.tls.identity.SecretStore;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundles;
import io.outrigger.tls.metrics.Side;
import io.outrigger.tls.metrics.TlsCounters;
import io.outrigger.tls.testing.Loopback;
import io.outrigger.tls.verify.FailureReason;
import io.outrigger.tls.verify.SanMatcher;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real handshakes over loopback between a server and a client built from {@link TlsContextSource}, with
 * SVIDs from the dev CA, on BoringSSL and on the JDK provider.
 */
class MutualTlsHandshakeTest {
    private final SecretStore serverStore = new SecretStore();
    private final SecretStore clientStore = new SecretStore();
    private final TlsCounters serverMetrics = new TlsCounters();
    private final TlsCounters clientMetrics = new TlsCounters();
    private Loopback loopback;

    @AfterEach
    void tearDown() {
        if (loopback != null) {
            loopback.close();
        }
    }

    private TlsContextSource server(SslProvider provider, ServerTlsConfig config) throws InterruptedException {
        TlsContextSource s = TlsContextSource.server(serverStore, config,
                TlsOptions.defaults().withProvider(provider).withMetrics(serverMetrics));
        loopback = new Loopback(s);
        return s;
    }

    private TlsContextSource client(SslProvider provider, ClientTlsConfig config) {
        return TlsContextSource.client(clientStore, config,
                TlsOptions.defaults().withProvider(provider).withMetrics(clientMetrics));
    }

    private void serve(Svid serverSvid, TrustBundles serverTrust) {
        serverStore.putCertificate("default", serverSvid);
        serverStore.putValidationContext("ROOTCA", serverTrust);
    }

    private void present(Svid clientSvid, TrustBundles clientTrust) {
        if (clientSvid != null) {
            clientStore.putCertificate("default", clientSvid);
        }
        clientStore.putValidationContext("ROOTCA", clientTrust);
    }

    private static TrustBundles localTrust() {
        return TrustBundles.of(LOCAL_CA.bundle());
    }

    private void awaitClientFailure(FailureReason reason) {
        await().atMost(Loopback.TIMEOUT).untilAsserted(() ->
                assertThat(clientMetrics.failed(Side.CLIENT, reason)).as("client failures for " + reason).isEqualTo(1));
        assertThat(clientMetrics.succeeded(Side.CLIENT)).isZero();
    }

    private void awaitServerFailure(FailureReason reason) {
        await().atMost(Loopback.TIMEOUT).untilAsserted(() ->
                assertThat(serverMetrics.failed(Side.SERVER, reason)).as("server failures for " + reason).isEqualTo(1));
        assertThat(serverMetrics.succeeded(Side.SERVER)).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void mutualTlsPeersSeeEachOthersSpiffeId(SslProvider provider) throws Exception {
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(LOCAL_CA.issue(FRONTEND, Duration.ofHours(1), "east"), localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA"));
        var c = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")), null);

        assertThat(c.handshake().isSuccess()).isTrue();
        assertThat(c.echo("hello")).isEqualTo("hello");
        assertThat(c.info().peer()).isEqualTo(BACKEND);
        assertThat(c.info().protocol()).isEqualTo("TLSv1.3");
        await().atMost(Loopback.TIMEOUT).until(() -> loopback.accepted.getFirst().attr(TlsConnectionInfo.ATTR).get() != null);
        TlsConnectionInfo onServer = loopback.accepted.getFirst().attr(TlsConnectionInfo.ATTR).get();
        assertThat(onServer.peer()).isEqualTo(FRONTEND);
        assertThat(onServer.peerId()).contains(FRONTEND);
        assertThat(serverMetrics.succeeded(Side.SERVER)).isEqualTo(1);
        assertThat(clientMetrics.succeeded(Side.CLIENT)).isEqualTo(1);
        c.close();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void expiredClientCertificateIsRejectedAsExpired(SslProvider provider) throws Exception {
        Instant now = Instant.now();
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(LOCAL_CA.issue(FRONTEND, now.minus(2, ChronoUnit.HOURS), now.minus(1, ChronoUnit.HOURS), null),
                localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA"));
        var c = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")), null);

        awaitServerFailure(FailureReason.EXPIRED);
        // In TLS 1.3 the client finishes before the server judges it; either way it never gets an echo.
        if (c.handshake().isSuccess()) {
            assertThat(c.echo("hello")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void serverCertificateNotYetValidIsRejectedByTheClient(SslProvider provider) throws Exception {
        Instant now = Instant.now();
        serve(LOCAL_CA.issue(BACKEND, now.plus(1, ChronoUnit.HOURS), now.plus(2, ChronoUnit.HOURS), null), localTrust());
        present(LOCAL_CA.issue(FRONTEND, Duration.ofHours(1)), localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA"));
        var c = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")), null);

        assertThat(c.handshake().isSuccess()).isFalse();
        awaitClientFailure(FailureReason.NOT_YET_VALID);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void clientFromAnotherTrustDomainWithoutItsBundleIsRejectedAsUnknownCa(SslProvider provider) throws Exception {
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(REMOTE_CA.issue(REMOTE_CLIENT, Duration.ofHours(1)), localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA"));
        var c = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")), null);

        awaitServerFailure(FailureReason.UNKNOWN_CA);
        if (c.handshake().isSuccess()) {
            assertThat(c.echo("hello")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void federatedTrustDomainIsAcceptedOnceItsBundleIsConfigured(SslProvider provider) throws Exception {
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(REMOTE_CA.issue(REMOTE_CLIENT, Duration.ofHours(1)), localTrust());
        var source = server(provider, ServerTlsConfig.mutual("default", "ROOTCA"));
        var clientSource = client(provider, ClientTlsConfig.mutual("default", "ROOTCA"));
        var before = loopback.connect(clientSource, null);
        awaitServerFailure(FailureReason.UNKNOWN_CA);
        before.close();

        serverStore.putValidationContext("ROOTCA", TrustBundles.of(LOCAL_CA.bundle(), REMOTE_CA.bundle()));
        assertThat(source.current().orElseThrow().generation()).isEqualTo(2);
        var after = loopback.connect(clientSource, null);

        assertThat(after.handshake().isSuccess()).isTrue();
        assertThat(after.echo("federated")).isEqualTo("federated");
        await().atMost(Loopback.TIMEOUT).until(() -> loopback.accepted.size() == 2
                && loopback.accepted.get(1).attr(TlsConnectionInfo.ATTR).get() != null);
        assertThat(loopback.accepted.get(1).attr(TlsConnectionInfo.ATTR).get().peer()).isEqualTo(REMOTE_CLIENT);
        after.close();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void remoteBundleDoesNotVouchForAnImpostorClaimingTheLocalDomain(SslProvider provider) throws Exception {
        // The server trusts cluster2.example's root; a cluster.local identity signed by a rogue root must not pass.
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), TrustBundles.of(LOCAL_CA.bundle(), REMOTE_CA.bundle()));
        present(ROGUE_LOCAL_CA.issue(FRONTEND, Duration.ofHours(1)), localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA"));
        var c = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")), null);

        awaitServerFailure(FailureReason.UNKNOWN_CA);
        if (c.handshake().isSuccess()) {
            assertThat(c.echo("hello")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void clientNotMatchingTheSanMatchersIsRejectedAsSanMismatch(SslProvider provider) throws Exception {
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(LOCAL_CA.issue(FRONTEND, Duration.ofHours(1)), localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA")
                .withSanMatchers(List.of(SanMatcher.uriPrefix("spiffe://cluster.local/ns/payments/"))));
        var c = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")), null);

        awaitServerFailure(FailureReason.SAN_MISMATCH);
        if (c.handshake().isSuccess()) {
            assertThat(c.echo("hello")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void clientVerifiesTheServersIdentityWithItsSanMatchers(SslProvider provider) throws Exception {
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(LOCAL_CA.issue(FRONTEND, Duration.ofHours(1)), localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA"));
        var wrong = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")
                .withSanMatchers(List.of(SanMatcher.uriExact("spiffe://cluster.local/ns/prod/sa/payments")))), null);
        assertThat(wrong.handshake().isSuccess()).isFalse();
        awaitClientFailure(FailureReason.SAN_MISMATCH);

        var right = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")
                .withSanMatchers(List.of(SanMatcher.uriExact(BACKEND.toString())))), null);
        assertThat(right.handshake().isSuccess()).isTrue();
        assertThat(right.echo("ok")).isEqualTo("ok");
        right.close();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void clientWithoutCertificateIsRejectedWhenOneIsRequired(SslProvider provider) throws Exception {
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(null, localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA"));
        var c = loopback.connect(client(provider, new ClientTlsConfig(null, "ROOTCA", List.of(), TlsParams.DEFAULT,
                List.of())), null);

        awaitServerFailure(FailureReason.NO_CLIENT_CERT);
        if (c.handshake().isSuccess()) {
            assertThat(c.echo("hello")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void clientWithoutCertificateIsAcceptedWhenOneIsOptional(SslProvider provider) throws Exception {
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(null, localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA").withClientCertificate(ClientCertificateMode.OPTIONAL));
        var c = loopback.connect(client(provider, new ClientTlsConfig(null, "ROOTCA", List.of(), TlsParams.DEFAULT,
                List.of())), null);

        assertThat(c.handshake().isSuccess()).isTrue();
        assertThat(c.echo("anonymous")).isEqualTo("anonymous");
        await().atMost(Loopback.TIMEOUT).until(() -> loopback.accepted.getFirst().attr(TlsConnectionInfo.ATTR).get() != null);
        TlsConnectionInfo onServer = loopback.accepted.getFirst().attr(TlsConnectionInfo.ATTR).get();
        assertThat(onServer.peerId()).isEmpty();
        assertThat(c.info().peer()).isEqualTo(BACKEND);
        c.close();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void alpnAndSniAreNegotiated(SslProvider provider) throws Exception {
        // Istio's SNI has underscores, which JSSE refuses to send or accept; BoringSSL handles them.
        String sni = provider == SslProvider.OPENSSL ? "outbound_.9080_._.reviews.default.svc.cluster.local"
                : "reviews.default.svc.cluster.local";
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(LOCAL_CA.issue(FRONTEND, Duration.ofHours(1)), localTrust());
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA").withAlpn(List.of("h2", "http/1.1")));
        var c = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")
                .withAlpn(List.of("istio-peer-exchange", "h2"))), sni);

        assertThat(c.handshake().isSuccess()).isTrue();
        assertThat(c.info().alpn()).isEqualTo("h2");
        assertThat(c.echo("x")).isEqualTo("x");
        await().atMost(Loopback.TIMEOUT).until(() -> loopback.accepted.getFirst().attr(TlsConnectionInfo.ATTR).get() != null);
        TlsConnectionInfo onServer = loopback.accepted.getFirst().attr(TlsConnectionInfo.ATTR).get();
        assertThat(onServer.alpn()).isEqualTo("h2");
        assertThat(onServer.sni()).isEqualTo(sni);
        c.close();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void tls12IsNegotiatedOnlyWhenTheServerAllowsIt(SslProvider provider) throws Exception {
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        present(LOCAL_CA.issue(FRONTEND, Duration.ofHours(1)), localTrust());
        TlsParams tls12Only = new TlsParams(TlsVersion.TLS_1_2, TlsVersion.TLS_1_2,
                List.of("ECDHE-ECDSA-AES128-GCM-SHA256"));
        server(provider, ServerTlsConfig.mutual("default", "ROOTCA"));
        var refused = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")
                .withParams(tls12Only)), null);
        assertThat(refused.handshake().isSuccess()).isFalse();
        awaitClientFailure(FailureReason.HANDSHAKE_ERROR);
        loopback.close();

        server(provider, ServerTlsConfig.mutual("default", "ROOTCA").withParams(TlsParams.allowTls12()));
        var accepted = loopback.connect(client(provider, ClientTlsConfig.mutual("default", "ROOTCA")
                .withParams(tls12Only)), null);
        assertThat(accepted.handshake().isSuccess()).isTrue();
        assertThat(accepted.echo("legacy")).isEqualTo("legacy");
        assertThat(accepted.info().protocol()).isEqualTo("TLSv1.2");
        assertThat(accepted.info().cipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(accepted.info().peer()).isEqualTo(BACKEND);
        accepted.close();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void silentClientIsDisconnectedAfterTheHandshakeTimeout(SslProvider provider) throws Exception {
        serve(LOCAL_CA.issue(BACKEND, Duration.ofHours(1)), localTrust());
        TlsContextSource s = TlsContextSource.server(serverStore, ServerTlsConfig.mutual("default", "ROOTCA"),
                TlsOptions.defaults().withProvider(provider).withMetrics(serverMetrics)
                        .withHandshakeTimeout(Duration.ofMillis(300)));
        loopback = new Loopback(s);
        try (java.net.Socket silent = new java.net.Socket("127.0.0.1", loopback.port())) {
            silent.setSoTimeout((int) Loopback.TIMEOUT.toMillis());
            assertThat(silent.getInputStream().read()).as("server closed the connection").isEqualTo(-1);
        }
        awaitServerFailure(FailureReason.HANDSHAKE_ERROR);
    }
}
