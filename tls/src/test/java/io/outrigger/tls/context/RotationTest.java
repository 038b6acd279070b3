package io.outrigger.tls.context;

import static io.outrigger.tls.testing.Pki.BACKEND;
import static io.outrigger.tls.testing.Pki.FRONTEND;
import static io.outrigger.tls.testing.Pki.LOCAL;
import static io.outrigger.tls.testing.Pki.LOCAL_CA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.SslProvider;
import io.outrigger.tls.identity.PemFileSource;
import io.outrigger.tls.identity.SecretStore;
import io.outrigger.tls.identity.Svid;
import io.outrigger.tls.identity.TrustBundles;
import io.outrigger.tls.metrics.TlsCounters;
import io.outrigger.tls.testing.Loopback;
import io.outrigger.tls.testing.SecretVolume;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Certificate rotation through files, as Istio's agent or a Kubernetes secret volume does it, with
 * connections open across it.
 */
class RotationTest {
    @TempDir
    Path tmp;

    private final TlsCounters serverMetrics = new TlsCounters();
    private final SecretStore serverStore = new SecretStore(serverMetrics);
    private final SecretStore clientStore = new SecretStore();
    private PemFileSource files;
    private Loopback loopback;

    @AfterEach
    void tearDown() {
        if (files != null) {
            files.close();
        }
        if (loopback != null) {
            loopback.close();
        }
    }

    private SecretVolume serverVolume(Svid first) throws Exception {
        SecretVolume volume = new SecretVolume(tmp.resolve("etc-certs"));
        volume.publish(first, LOCAL_CA);
        files = PemFileSource.builder(serverStore)
                .certificate("default", volume.certChain(), volume.key())
                .trustBundle("ROOTCA", LOCAL, volume.rootCert())
                .pollInterval(Duration.ofMillis(50))
                .metrics(serverMetrics)
                .build().start();
        return volume;
    }

    private TlsContextSource client(SslProvider provider) {
        clientStore.putCertificate("default", LOCAL_CA.issue(FRONTEND, Duration.ofHours(1)));
        clientStore.putValidationContext("ROOTCA", TrustBundles.of(LOCAL_CA.bundle()));
        return TlsContextSource.client(clientStore, ClientTlsConfig.mutual("default", "ROOTCA"),
                TlsOptions.defaults().withProvider(provider));
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void rotatedCertificateServesNewHandshakesWhileOpenConnectionsKeepWorking(SslProvider provider) throws Exception {
        Svid first = LOCAL_CA.issue(BACKEND, Duration.ofHours(1));
        Svid second = LOCAL_CA.issue(BACKEND, Duration.ofHours(2));
        SecretVolume volume = serverVolume(first);
        TlsContextSource server = TlsContextSource.server(serverStore, ServerTlsConfig.mutual("default", "ROOTCA"),
                TlsOptions.defaults().withProvider(provider));
        loopback = new Loopback(server);
        TlsContextSource client = client(provider);

        var before = loopback.connect(client, null);
        assertThat(before.handshake().isSuccess()).isTrue();
        assertThat(before.info().peerLeaf().getSerialNumber()).isEqualTo(first.serial());

        volume.publish(second, LOCAL_CA);
        await().atMost(Loopback.TIMEOUT).until(() -> server.current().orElseThrow().svid().equals(second));
        assertThat(serverMetrics.serial("default")).isEqualTo(second.serial());
        assertThat(serverMetrics.expiry("default")).isEqualTo(second.notAfter());

        assertThat(before.echo("still here")).isEqualTo("still here");
        var after = loopback.connect(client, null);
        assertThat(after.handshake().isSuccess()).isTrue();
        assertThat(after.info().peerLeaf().getSerialNumber()).isEqualTo(second.serial());
        assertThat(after.echo("new")).isEqualTo("new");
        assertThat(before.echo("old connection, old certificate")).isEqualTo("old connection, old certificate");
        assertThat(before.info().peerLeaf().getSerialNumber()).isEqualTo(first.serial());
        before.close();
        after.close();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void garbagePemIsReportedAndTheLastGoodCertificateKeepsServing(SslProvider provider) throws Exception {
        Svid good = LOCAL_CA.issue(BACKEND, Duration.ofHours(1));
        SecretVolume volume = serverVolume(good);
        TlsContextSource server = TlsContextSource.server(serverStore, ServerTlsConfig.mutual("default", "ROOTCA"),
                TlsOptions.defaults().withProvider(provider));
        loopback = new Loopback(server);

        byte[] garbage = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n"
                .getBytes(StandardCharsets.US_ASCII);
        volume.publish(garbage, garbage, garbage);
        await().atMost(Loopback.TIMEOUT).until(() -> files.lastError("default").isPresent());
        assertThat(files.lastError("default").orElseThrow()).contains("cert-chain.pem").contains("malformed PEM");
        assertThat(files.lastError("ROOTCA").orElseThrow()).contains("root-cert.pem");
        assertThat(serverMetrics.loadFailures()).isGreaterThanOrEqualTo(2);
        assertThat(serverStore.certificate("default")).contains(good);

        var c = loopback.connect(client(provider), null);
        assertThat(c.handshake().isSuccess()).isTrue();
        assertThat(c.info().peerLeaf().getSerialNumber()).isEqualTo(good.serial());
        assertThat(c.echo("served by the last good certificate")).isEqualTo("served by the last good certificate");
        c.close();

        Svid fixed = LOCAL_CA.issue(BACKEND, Duration.ofHours(3));
        volume.publish(fixed, LOCAL_CA);
        await().atMost(Loopback.TIMEOUT).until(() -> files.lastError("default").isEmpty()
                && server.current().orElseThrow().svid().equals(fixed));
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void longLivedConnectionLearnsWhenItsCertificatesExpire(SslProvider provider) throws Exception {
        Svid serverSvid = LOCAL_CA.issue(BACKEND, Duration.ofHours(1));
        serverStore.putCertificate("default", serverSvid);
        serverStore.putValidationContext("ROOTCA", TrustBundles.of(LOCAL_CA.bundle()));
        // The client's SVID expires in 5 minutes, inside the 10 minute warning: the event fires at once.
        Svid clientSvid = LOCAL_CA.issue(FRONTEND, Duration.ofMinutes(5));
        TlsContextSource server = TlsContextSource.server(serverStore, ServerTlsConfig.mutual("default", "ROOTCA"),
                TlsOptions.defaults().withProvider(provider).withExpiryWarning(Duration.ofMinutes(10)));
        loopback = new Loopback(server);
        clientStore.putCertificate("default", clientSvid);
        clientStore.putValidationContext("ROOTCA", TrustBundles.of(LOCAL_CA.bundle()));
        TlsContextSource client = TlsContextSource.client(clientStore, ClientTlsConfig.mutual("default", "ROOTCA"),
                TlsOptions.defaults().withProvider(provider).withExpiryWarning(Duration.ofMinutes(1)));

        var c = loopback.connect(client, null);
        assertThat(c.handshake().isSuccess()).isTrue();
        assertThat(c.info().localNotAfter()).isEqualTo(clientSvid.notAfter());
        assertThat(c.info().peerNotAfter()).isEqualTo(serverSvid.notAfter());
        assertThat(c.info().expiresAt()).contains(clientSvid.notAfter());

        Object event;
        do {
            event = loopback.serverEvents.poll(Loopback.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } while (event != null && !(event instanceof CertificateExpiringEvent));
        assertThat(event).isInstanceOf(CertificateExpiringEvent.class);
        CertificateExpiringEvent expiring = (CertificateExpiringEvent) event;
        assertThat(expiring.expiresAt()).isEqualTo(clientSvid.notAfter());
        assertThat(expiring.connection().peer()).isEqualTo(FRONTEND);
        // The client's warning is 1 minute before its own certificate expires: not yet.
        assertThat(c.received().stream().noneMatch(CertificateExpiringEvent.class::isInstance)).isTrue();
        c.close();
    }
}
