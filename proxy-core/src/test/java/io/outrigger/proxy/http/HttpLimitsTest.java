package io.outrigger.proxy.http;

import static io.outrigger.proxy.http.HttpProxies.client;
import static io.outrigger.proxy.http.HttpProxies.cluster;
import static io.outrigger.proxy.http.HttpProxies.get;
import static io.outrigger.proxy.http.HttpProxies.whileGoodClientRuns;
import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.HttpBackend;
import io.outrigger.xds.snapshot.HttpLimitsSpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad and slow clients get Envoy's answers and are cut off, while a concurrent good client keeps being served. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpLimitsTest {
    private static HttpBackend backend;
    private static ProxyServer proxy;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        backend = HttpBackend.echo("b");
        proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("b"), List.of())
                .withLimits(HttpLimitsSpec.DEFAULTS.withRequestHeadersTimeout(Duration.ofSeconds(2))), cluster("b", backend.port()));
        port = proxy.listenerAddress("http").getPort();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    /** Sends {@code raw} and reads until the proxy closes the connection. */
    private static String exchange(byte[] raw) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(raw);
            s.getOutputStream().flush();
            return readUntilClosed(s.getInputStream());
        }
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // the proxy may reset after answering; what was read is the answer
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void malformedRequestLineGets400AndTheConnectionIsClosed() throws Exception {
        int ok = whileGoodClientRuns(proxy, () -> {
            String response = exchange("GET /a b c HTTP/9.9 nonsense\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response.toLowerCase()).contains("connection: close");
        });
        assertThat(ok).isPositive();
    }

    @Test
    void eightyKibibytesOfHeadersGet431() throws Exception {
        int ok = whileGoodClientRuns(proxy, () -> {
            StringBuilder req = new StringBuilder("GET /big HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 80; i++) {
                req.append("x-filler-").append(i).append(": ").append("a".repeat(1000)).append("\r\n");
            }
            req.append("\r\n");
            String response = exchange(req.toString().getBytes(StandardCharsets.US_ASCII));
            assertThat(response).startsWith("HTTP/1.1 431");
        });
        assertThat(ok).isPositive();
        assertThat(backend.requests()).isGreaterThanOrEqualTo(ok);
    }

    @Test
    void clientSendingOneBytePerSecondIsCutOffAtTheHeadersTimeout() throws Exception {
        int ok = whileGoodClientRuns(proxy, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                byte[] slow = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                long start = System.nanoTime();
                StringBuilder answer = new StringBuilder();
                CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return readUntilClosed(s.getInputStream());
                    } catch (IOException e) {
                        return "";
                    }
                });
                for (byte b : slow) {
                    if (reader.isDone()) {
                        break;
                    }
                    try {
                        out.write(b);
                        out.flush();
                    } catch (IOException closed) {
                        break;
                    }
                    Thread.sleep(1000); // the slowloris pattern: one byte per second
                }
                answer.append(reader.get(30, TimeUnit.SECONDS));
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                assertThat(answer.toString()).startsWith("HTTP/1.1 408");
                // Cut at the 2 s headers timeout, long before the 30 bytes were sent.
                assertThat(seconds).isLessThan(slow.length);
            }
        });
        assertThat(ok).isPositive();
    }
}
