package io.outrigger.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.xds.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server sidecar lets in, the Istio way: STRICT (only the mTLS chain) and PERMISSIVE (an mTLS chain
 * and a plaintext chain on one port, told apart by tls_inspector); peers rejected for a counted reason;
 * federation; RBAC by SPIFFE ID; bad PEM at startup and on reload.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MtlsPolicyTest {
    private static final SslProvider BORINGSSL = SslProvider.OPENSSL;
    private static final byte[] HELLO = "hello through the mesh\n".getBytes(StandardCharsets.US_ASCII);
    private static final String LISTENER = "listener.127.0.0.1_0.";

    @TempDir
    Path dir;

    private final MeshCerts mesh = MeshCerts.trustDomain("cluster.local");

    private ProxyServer server(Backend app, boolean permissive, String... rbac) throws Exception {
        mesh.issue(MeshCerts.REVIEWS, Duration.ofHours(1), dir.resolve("reviews"));
        return Sidecars.start(dir, "server.yaml", Sidecars.server(app.port(), dir.resolve("reviews"),
                Sidecars.trustedCa(dir.resolve("reviews/root-cert.pem")), permissive, rbac), BORINGSSL);
    }

    private ProxyServer client(ProxyServer server, Path certs) throws Exception {
        return Sidecars.start(dir, "client.yaml", Sidecars.client(server.listenerAddress("inbound").getPort(), certs,
                MeshCerts.REVIEWS), BORINGSSL);
    }

    /** Sends HELLO, half-closes, returns what came back (empty when the connection was refused or reset). */
    private static String plaintext(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(HELLO);
            s.shutdownOutput();
            return readQuietly(s.getInputStream());
        }
    }

    private static String readQuietly(InputStream in) {
        StringBuilder b = new StringBuilder();
        try {
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                b.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            // a reset or a TLS alert: what arrived before it is the answer
        }
        return b.toString();
    }

    private static int port(ProxyServer p, String listener) {
        return p.listenerAddress(listener).getPort();
    }

    @Test
    void strictRejectsAPlaintextClientAndATlsClientWithoutCertificate() throws Exception {
        try (Backend app = Backend.echo(); ProxyServer server = server(app, false)) {
            assertThat(plaintext(port(server, "inbound"))).isEmpty();
            await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().value(LISTENER + "no_filter_chain_match") == 1);

            SSLContext anonymous = SSLContext.getInstance("TLS");
            anonymous.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            try (SSLSocket s = (SSLSocket) anonymous.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    port(server, "inbound"))) {
                s.setSoTimeout(30_000);
                String answer;
                try {
                    s.getOutputStream().write(HELLO);
                    s.getOutputStream().flush();
                    answer = readQuietly(s.getInputStream());
                } catch (IOException refused) {
                    answer = ""; // the server's alert or reset can come first
                }
                assertThat(answer).isEmpty();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().value(LISTENER + "ssl.fail_verify_no_cert") == 1);
            assertThat(app.accepted()).as("connections that reached the app").isZero();
        }
    }

    @Test
    void permissiveAcceptsPlaintextAndMutualTlsOnTheSamePort() throws Exception {
        mesh.issue(MeshCerts.WEB, Duration.ofHours(1), dir.resolve("web"));
        try (Backend app = Backend.echo(); ProxyServer server = server(app, true);
             ProxyServer client = client(server, dir.resolve("web"))) {
            assertThat(plaintext(port(server, "inbound"))).isEqualTo(new String(HELLO, StandardCharsets.US_ASCII));
            assertThat(plaintext(port(client, "outbound"))).isEqualTo(new String(HELLO, StandardCharsets.US_ASCII));
            assertThat(server.stats().value("tcp.inbound_plain.downstream_cx_total")).isEqualTo(1);
            assertThat(server.stats().value("tcp.inbound_mtls.downstream_cx_total")).isEqualTo(1);
            assertThat(server.stats().value(LISTENER + "ssl.handshake")).isEqualTo(1);
        }
    }

    @Test
    void anExpiredClientCertificateIsRejectedAndCountedAsExpired() throws Exception {
        Instant now = Instant.now();
        mesh.issue(MeshCerts.WEB, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)), dir.resolve("web"));
        try (Backend app = Backend.echo(); ProxyServer server = server(app, false);
             ProxyServer client = client(server, dir.resolve("web"))) {
            assertThat(plaintext(port(client, "outbound"))).isEmpty();
            await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().value(LISTENER + "ssl.fail_verify_expired") >= 1);
            assertThat(server.stats().value(LISTENER + "ssl.fail_verify_error")).isGreaterThanOrEqualTo(1);
            assertThat(app.accepted()).isZero();
        }
    }

    @Test
    void aPeerFromAnotherTrustDomainWithoutItsBundleIsAnUnknownCa() throws Exception {
        MeshCerts other = MeshCerts.trustDomain("cluster2.example");
        other.issue("spiffe://cluster2.example/ns/default/sa/web", Duration.ofHours(1), dir.resolve("web2"));
        // The client still trusts the server's root, so only the server side can object.
        Files.copy(mesh.writeRoot(dir.resolve("mesh-root.pem")), dir.resolve("web2/root-cert.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Backend app = Backend.echo(); ProxyServer server = server(app, false);
             ProxyServer client = client(server, dir.resolve("web2"))) {
            assertThat(plaintext(port(client, "outbound"))).isEmpty();
            await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().value(LISTENER + "ssl.fail_verify_unknown_ca") >= 1);
            assertThat(app.accepted()).isZero();
        }
    }

    @Test
    void federationAcceptsTheSecondTrustDomainOnceItsBundleIsConfigured() throws Exception {
        MeshCerts other = MeshCerts.trustDomain("cluster2.example");
        other.issue("spiffe://cluster2.example/ns/default/sa/web", Duration.ofHours(1), dir.resolve("web2"));
        Files.copy(mesh.writeRoot(dir.resolve("mesh-root.pem")), dir.resolve("web2/root-cert.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path cluster2Bundle = other.writeRoot(dir.resolve("federation/cluster2.pem"));
        mesh.issue(MeshCerts.REVIEWS, Duration.ofHours(1), dir.resolve("reviews"));
        String localOnly = Sidecars.spiffeValidator("cluster.local", dir.resolve("mesh-root.pem"));
        String federated = Sidecars.spiffeValidator("cluster.local", dir.resolve("mesh-root.pem"),
                "cluster2.example", cluster2Bundle);
        try (Backend app = Backend.echo()) {
            try (ProxyServer server = Sidecars.start(dir, "local.yaml", Sidecars.server(app.port(), dir.resolve("reviews"),
                    localOnly, false), BORINGSSL); ProxyServer client = client(server, dir.resolve("web2"))) {
                assertThat(plaintext(port(client, "outbound"))).isEmpty();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> server.stats().value(LISTENER + "ssl.fail_verify_unknown_ca") >= 1);
            }
            try (ProxyServer server = Sidecars.start(dir, "federated.yaml", Sidecars.server(app.port(), dir.resolve("reviews"),
                    federated, false, "spiffe://cluster2.example/ns/default/sa/web"), BORINGSSL);
                 ProxyServer client = client(server, dir.resolve("web2"))) {
                assertThat(plaintext(port(client, "outbound"))).isEqualTo(new String(HELLO, StandardCharsets.US_ASCII));
                assertThat(server.stats().value("tcp.rbac.allowed")).isEqualTo(1);
            }
        }
    }

    @Test
    void aServerWhoseSpiffeIdDoesNotMatchTheClustersSanMatcherIsRejectedAsSanMismatch() throws Exception {
        mesh.issue(MeshCerts.WEB, Duration.ofHours(1), dir.resolve("web"));
        mesh.issue("spiffe://cluster.local/ns/default/sa/ratings", Duration.ofHours(1), dir.resolve("ratings"));
        try (Backend app = Backend.echo();
             ProxyServer server = Sidecars.start(dir, "server.yaml", Sidecars.server(app.port(), dir.resolve("ratings"),
                     Sidecars.trustedCa(dir.resolve("ratings/root-cert.pem")), false), BORINGSSL);
             ProxyServer client = client(server, dir.resolve("web"))) {
            assertThat(plaintext(port(client, "outbound"))).isEmpty();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.stats().value("cluster.reviews.ssl.fail_verify_san") >= 1);
            assertThat(client.stats().value("cluster.reviews.upstream_cx_connect_fail")).isGreaterThanOrEqualTo(1);
            assertThat(app.accepted()).isZero();
        }
    }

    @Test
    void rbacLetsTheListedPrincipalInAndRefusesAnotherBothCounted() throws Exception {
        mesh.issue(MeshCerts.WEB, Duration.ofHours(1), dir.resolve("web"));
        mesh.issue("spiffe://cluster.local/ns/default/sa/intruder", Duration.ofHours(1), dir.resolve("intruder"));
        try (Backend app = Backend.echo(); ProxyServer server = server(app, false, MeshCerts.WEB);
             ProxyServer web = client(server, dir.resolve("web"));
             ProxyServer intruder = Sidecars.start(dir, "intruder.yaml", Sidecars.client(port(server, "inbound"),
                     dir.resolve("intruder"), MeshCerts.REVIEWS), BORINGSSL)) {
            assertThat(plaintext(port(web, "outbound"))).isEqualTo(new String(HELLO, StandardCharsets.US_ASCII));
            assertThat(plaintext(port(intruder, "outbound"))).isEmpty();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(server.stats().value("tcp.rbac.allowed")).isEqualTo(1);
                assertThat(server.stats().value("tcp.rbac.denied")).isEqualTo(1);
            });
            assertThat(app.accepted()).as("only the allowed peer reached the app").isEqualTo(1);
            assertThat(server.stats().scrape()).contains("envoy_rbac_denied{envoy_rbac_prefix=\"tcp\"} 1.0");
        }
    }

    @Test
    void garbagePemAtStartupIsAClearErrorNamingTheFile() throws Exception {
        mesh.issue(MeshCerts.REVIEWS, Duration.ofHours(1), dir.resolve("reviews"));
        Files.writeString(dir.resolve("reviews/key.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
        try (Backend app = Backend.echo()) {
            assertThatThrownBy(() -> Sidecars.start(dir, "server.yaml", Sidecars.server(app.port(), dir.resolve("reviews"),
                    Sidecars.trustedCa(dir.resolve("reviews/root-cert.pem")), false), BORINGSSL))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("Listener \"inbound\"")
                    .hasMessageContaining("static_resources.secrets \"default\"")
                    .hasMessageContaining(dir.resolve("reviews/key.pem").toString());
        }
    }

    @Test
    void garbagePemOnReloadKeepsTheLastGoodCertificateAndIsCounted() throws Exception {
        mesh.issue(MeshCerts.WEB, Duration.ofHours(1), dir.resolve("web"));
        try (Backend app = Backend.echo(); ProxyServer server = server(app, false);
             ProxyServer client = client(server, dir.resolve("web"))) {
            assertThat(plaintext(port(client, "outbound"))).isEqualTo(new String(HELLO, StandardCharsets.US_ASCII));
            Files.writeString(dir.resolve("reviews/cert-chain.pem"), "garbage, not PEM\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().value("tls.secret_load_failure") >= 1);
            assertThat(plaintext(port(client, "outbound"))).isEqualTo(new String(HELLO, StandardCharsets.US_ASCII));
            assertThat(server.stats().value(LISTENER + "ssl.handshake")).isEqualTo(2);
        }
    }
}
