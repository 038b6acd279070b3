package io.outrigger.proxy.http;

import static io.outrigger.proxy.http.HttpProxies.client;
import static io.outrigger.proxy.http.HttpProxies.cluster;
import static io.outrigger.proxy.http.HttpProxies.get;
import static io.outrigger.proxy.http.HttpProxies.whileGoodClientRuns;
import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.HttpBackend;
import io.outrigger.xds.snapshot.RouteActionSpec;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 abuse written frame by frame on a plain socket: the "rapid reset" pattern (HEADERS then
 * RST_STREAM, again and again: CVE-2023-44487) and a SETTINGS flood from a client that never reads
 * the ACKs. Each gets its connection closed after a bounded number of frames, while a concurrent
 * good client keeps being served.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2FloodTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static HttpBackend backend;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = HttpBackend.echo("b");
        proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("b"), List.of()), cluster("b", backend.port()));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    private static void frame(DataOutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        out.writeByte(payload.length >>> 16);
        out.writeShort(payload.length & 0xffff);
        out.writeByte(type);
        out.writeByte(flags);
        out.writeInt(stream);
        out.write(payload);
    }

    /** Counts bytes until the server closes; true when it closed within the time allowed. */
    private static CompletableFuture<Boolean> closedByServer(Socket s) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[16384];
                while (in.read(buf) >= 0) {
                    // drain (SETTINGS, ACKs, GOAWAY)
                }
                return true;
            } catch (IOException e) {
                return true; // reset by the server counts as closed
            }
        });
    }


    @Test
    void rapidResetFloodGetsTheConnectionClosed() throws Exception {
        long before = proxy.stats().value("http.ingress.downstream_rq_total");
        int ok = whileGoodClientRuns(proxy, () -> {
            try (Socket s = new Socket("127.0.0.1", proxy.listenerAddress("http").getPort())) {
                s.setSoTimeout(30_000);
                CompletableFuture<Boolean> closed = closedByServer(s);
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
                out.write(PREFACE);
                frame(out, 0x4, 0, 0, new byte[0]); // SETTINGS
                // HPACK static table: :method GET, :scheme http, :path /
                byte[] headers = {(byte) 0x82, (byte) 0x86, (byte) 0x84};
                byte[] cancel = {0, 0, 0, 8};
                int sent = 0;
                try {
                    for (int stream = 1; stream < 2 * 10_000 && !closed.isDone(); stream += 2) {
                        frame(out, 0x1, 0x4, stream, headers); // HEADERS, END_HEADERS
                        frame(out, 0x3, 0, stream, cancel); // RST_STREAM(CANCEL)
                        sent++;
                        if (sent % 50 == 0) {
                            out.flush();
                            // Give the server time to act: loopback socket buffers would otherwise
                            // swallow the whole flood before it is read.
                            Thread.sleep(5);
                        }
                    }
                    out.flush();
                } catch (IOException closedWhileWriting) {
                    // the server closed the connection: what we want
                }
                assertThat(closed.get(30, TimeUnit.SECONDS)).as("the server closed the flooding connection").isTrue();
            }
        });
        assertThat(ok).isPositive();
        // Of the 10,000 streams opened and reset, the proxy processed only those before Netty's
        // limit (200 resets per 30 s) stopped the connection; the rest were never dispatched.
        long floodStreams = proxy.stats().value("http.ingress.downstream_rq_total") - before - ok;
        assertThat(floodStreams).isLessThan(1_000);
    }

    @Test
    void settingsFloodFromAClientThatDoesNotReadGetsTheConnectionClosed() throws Exception {
        int ok = whileGoodClientRuns(proxy, () -> {
            try (Socket s = new Socket("127.0.0.1", proxy.listenerAddress("http").getPort())) {
                s.setReceiveBufferSize(4096);
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
                out.write(PREFACE);
                boolean writeFailed = false;
                int sent = 0;
                try {
                    for (; sent < 1_000_000; sent++) {
                        frame(out, 0x4, 0, 0, new byte[0]); // SETTINGS, never reading the ACKs
                        if (sent % 1000 == 0) {
                            out.flush();
                        }
                    }
                    out.flush();
                } catch (IOException e) {
                    writeFailed = true;
                }
                assertThat(writeFailed).as("the server closed the connection before a million SETTINGS frames").isTrue();
            }
        });
        assertThat(ok).isPositive();
    }
}
