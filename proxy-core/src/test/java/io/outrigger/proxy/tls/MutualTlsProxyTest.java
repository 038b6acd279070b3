package io.outrigger.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.SslProvider;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.WireTap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two real sidecars on loopback: the client side originates mTLS to the server side, which terminates it in
 * front of an echo app. A relay between them keeps what crossed the wire.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MutualTlsProxyTest {
    @TempDir
    Path dir;

    static byte[] exchange(int port, byte[] payload) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(payload);
            s.shutdownOutput();
            return readAll(s.getInputStream());
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void appBytesCrossBothSidecarsAsTlsRecordsOnlyAndEachSideVerifiesTheOther(SslProvider provider) throws Exception {
        MeshCerts mesh = MeshCerts.trustDomain("cluster.local");
        mesh.issue(MeshCerts.WEB, Duration.ofHours(1), dir.resolve("web"));
        mesh.issue(MeshCerts.REVIEWS, Duration.ofHours(1), dir.resolve("reviews"));
        byte[] payload = ("GET /reviews/1 HTTP/1.1 secret-marker-" + provider + "\r\n").repeat(200)
                .getBytes(StandardCharsets.US_ASCII);
        try (Backend app = Backend.echo();
             ProxyServer server = Sidecars.start(dir, "server.yaml", Sidecars.server(app.port(), dir.resolve("reviews"),
                     Sidecars.trustedCa(dir.resolve("reviews/root-cert.pem")), false, MeshCerts.WEB), provider);
             WireTap wire = new WireTap(server.listenerAddress("inbound").getPort());
             ProxyServer client = Sidecars.start(dir, "client.yaml", Sidecars.client(wire.port(), dir.resolve("web"),
                     MeshCerts.REVIEWS), provider)) {

            byte[] echoed = exchange(client.listenerAddress("outbound").getPort(), payload);

            assertThat(new String(echoed, StandardCharsets.US_ASCII)).as("echoed").isEqualTo(new String(payload, StandardCharsets.US_ASCII));
            byte[] onWire = wire.clientToServer();
            // A TLS handshake record (22) of TLS 1.x, holding a ClientHello (1).
            assertThat(onWire[0]).isEqualTo((byte) 0x16);
            assertThat(onWire[1]).isEqualTo((byte) 0x03);
            assertThat(onWire[5]).isEqualTo((byte) 0x01);
            byte[] marker = ("secret-marker-" + provider).getBytes(StandardCharsets.US_ASCII);
            assertThat(indexOf(onWire, marker)).as("plaintext payload on the wire towards the server").isEqualTo(-1);
            assertThat(indexOf(wire.serverToClient(), marker)).as("plaintext payload on the wire back").isEqualTo(-1);
            // The server side let the client in by its SPIFFE ID (an exact principal), the client side checked the
            // server's against match_typed_subject_alt_names; each counted one verified handshake.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(server.stats().value("tcp.rbac.allowed")).isEqualTo(1);
                assertThat(server.stats().value("listener.127.0.0.1_0.ssl.handshake")).isEqualTo(1);
                assertThat(client.stats().value("cluster.reviews.ssl.handshake")).isEqualTo(1);
            });
            assertThat(server.stats().value("tcp.rbac.denied")).isZero();
        }
    }
}
