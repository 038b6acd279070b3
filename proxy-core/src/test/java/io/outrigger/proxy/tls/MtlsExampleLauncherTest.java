package io.outrigger.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.OutriggerProcess;
import io.outrigger.proxy.testing.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/mtls as its README runs it, with the real launcher in separate processes: {@code outrigger ca
 * init} and {@code ca issue} make the PEM files, then the two sidecars from the example bootstraps (ports
 * moved to free ones) carry bytes over mTLS and report it in their admin stats.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MtlsExampleLauncherTest {
    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private static String get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private int run(String... args) throws Exception {
        try (OutriggerProcess p = OutriggerProcess.start(dir, args)) {
            int code = p.exitCode(EXIT);
            assertThat(code).as(String.join(" ", args) + ":\n" + p.output()).isZero();
            return code;
        }
    }

    @Test
    void caCommandsAndTheExampleSidecarsCarryBytesOverMutualTls() throws Exception {
        run("ca", "init", "--trust-domain", "cluster.local", "--out", "ca");
        run("ca", "issue", "--ca", "ca", "--spiffe-id", "spiffe://cluster.local/ns/default/sa/web", "--ttl", "1h",
                "--out", "certs/web");
        run("ca", "issue", "--ca", "ca", "--spiffe-id", "spiffe://cluster.local/ns/default/sa/reviews", "--ttl", "1h",
                "--out", "certs/reviews", "--intermediate", "east");
        assertThat(dir.resolve("certs/reviews/cert-chain.pem")).exists();

        Path examples = Path.of("..", "examples", "mtls");
        int serverAdmin = Ports.free();
        int inbound = Ports.free();
        int clientAdmin = Ports.free();
        int outbound = Ports.free();
        try (Backend app = Backend.echo()) {
            Files.writeString(dir.resolve("server.yaml"), Files.readString(examples.resolve("server-sidecar.yaml"))
                    .replace("port_value: 15100", "port_value: " + serverAdmin)
                    .replace("port_value: 15006", "port_value: " + inbound)
                    .replace("port_value: 8080", "port_value: " + app.port()));
            Files.writeString(dir.resolve("client.yaml"), Files.readString(examples.resolve("client-sidecar.yaml"))
                    .replace("port_value: 15000", "port_value: " + clientAdmin)
                    .replace("port_value: 9080", "port_value: " + outbound)
                    .replace("port_value: 15006", "port_value: " + inbound));
            try (OutriggerProcess server = OutriggerProcess.start(dir, "-c", "server.yaml", "--concurrency", "1");
                 OutriggerProcess client = OutriggerProcess.start(dir, "-c", "client.yaml", "--concurrency", "1")) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        get(serverAdmin, "/ready").equals("LIVE\n") && get(clientAdmin, "/ready").equals("LIVE\n"));

                byte[] hello = "ping over mTLS\n".getBytes(StandardCharsets.US_ASCII);
                assertThat(exchange(outbound, hello)).isEqualTo("ping over mTLS\n");

                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    String serverStats = get(serverAdmin, "/stats");
                    assertThat(serverStats).contains("listener.127.0.0.1_" + inbound + ".ssl.handshake: 1\n")
                            .contains("tcp.rbac.allowed: 1\n");
                    assertThat(get(clientAdmin, "/stats")).contains("cluster.reviews.ssl.handshake: 1\n");
                });
                assertThat(get(serverAdmin, "/server_info")).contains("\"tls_provider\" : \"BoringSSL");
                assertThat(get(serverAdmin, "/stats/prometheus"))
                        .contains("envoy_tls_certificate_expiration_unix_time_seconds{envoy_tls_certificate_name=\"default\"}");
                // PERMISSIVE: the same port takes plaintext too.
                assertThat(exchange(inbound, hello)).isEqualTo("ping over mTLS\n");
            }
        }
    }

    private static String exchange(int port, byte[] payload) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(payload);
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
