package io.outrigger.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.tls.identity.Svid;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates rotated every few seconds under a steady request/response load over long-lived connections
 * through both sidecars: no exchange fails, connections whose certificate is about to expire are finished
 * between exchanges (the client reconnects, as an HTTP client does when the server closes an idle
 * keep-alive connection), and new handshakes present the newest certificate.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RotationUnderLoadTest {
    private static final Duration RUN = Duration.ofSeconds(25);
    private static final Duration ROTATE_EVERY = Duration.ofSeconds(3);
    private static final Duration TTL = Duration.ofSeconds(24);
    private static final Duration EXPIRY_WARNING = Duration.ofSeconds(10);
    private static final int CLIENTS = 4;
    private static final int REQUEST = 8 * 1024;

    @TempDir
    Path dir;

    /** What one client thread saw. */
    record Outcome(int exchanges, int reconnects, int failures, List<String> why) {
    }

    @Test
    void rotatingEveryFewSecondsUnderLoadFailsNoExchangeAndNewHandshakesSeeTheNewSerial() throws Exception {
        MeshCerts mesh = MeshCerts.trustDomain("cluster.local");
        AtomicReference<Svid> serverSvid = new AtomicReference<>(mesh.issue(MeshCerts.REVIEWS, TTL, dir.resolve("reviews")));
        AtomicReference<Svid> clientSvid = new AtomicReference<>(mesh.issue(MeshCerts.WEB, TTL, dir.resolve("web")));
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
        try (Backend app = Backend.echo();
             ProxyServer server = Sidecars.start(dir, "server.yaml", Sidecars.server(app.port(), dir.resolve("reviews"),
                     Sidecars.trustedCa(dir.resolve("reviews/root-cert.pem")), false), SslProvider.OPENSSL, EXPIRY_WARNING);
             ProxyServer client = Sidecars.start(dir, "client.yaml", Sidecars.client(server.listenerAddress("inbound").getPort(),
                     dir.resolve("web"), MeshCerts.REVIEWS), SslProvider.OPENSSL, EXPIRY_WARNING)) {
            long end = System.nanoTime() + RUN.toNanos();
            int port = client.listenerAddress("outbound").getPort();
            Future<Integer> rotations = pool.submit(() -> {
                int n = 0;
                while (System.nanoTime() - end < 0) {
                    Thread.sleep(ROTATE_EVERY.toMillis());
                    serverSvid.set(mesh.issue(MeshCerts.REVIEWS, TTL, dir.resolve("reviews")));
                    clientSvid.set(mesh.issue(MeshCerts.WEB, TTL, dir.resolve("web")));
                    n++;
                }
                return n;
            });
            List<Future<Outcome>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                long seed = i;
                clients.add(pool.submit(() -> load(port, end, seed)));
            }
            int exchanges = 0;
            int reconnects = 0;
            List<String> failures = new ArrayList<>();
            for (Future<Outcome> f : clients) {
                Outcome o = f.get(120, TimeUnit.SECONDS);
                exchanges += o.exchanges();
                reconnects += o.reconnects();
                failures.addAll(o.why());
            }
            int rotated = rotations.get(60, TimeUnit.SECONDS);
            // For the record in the test report: how much happened in the run.
            System.out.printf("rotation under load: %d rotations, %d exchanges, %d reconnects, %d drains, %d failures%n",
                    rotated, exchanges, reconnects, server.stats().value("tcp.inbound_mtls.certificate_expiry_drain")
                            + client.stats().value("tcp.outbound.certificate_expiry_drain"), failures.size());
            assertThat(rotated).isGreaterThanOrEqualTo(5);

            assertThat(failures).as("failed exchanges").isEmpty();
            assertThat(exchanges).as("exchanges completed").isGreaterThan(CLIENTS * 10);
            // Every connection's certificates were at most TTL old, so each was finished before they expired.
            long drained = server.stats().value("tcp.inbound_mtls.certificate_expiry_drain")
                    + client.stats().value("tcp.outbound.certificate_expiry_drain");
            assertThat(drained).as("connections finished ahead of certificate expiry").isPositive();
            assertThat(reconnects).isPositive();
            assertThat(server.stats().value("listener.127.0.0.1_0.ssl.connection_error")).isZero();
            assertThat(client.stats().value("cluster.reviews.ssl.connection_error")).isZero();

            // A new handshake presents the certificate written last.
            BigInteger newest = serverSvid.get().serial();
            await().atMost(Duration.ofSeconds(20)).until(() -> newest.equals(server.tls().certificateSerial("default")));
            assertThat(peerSerial(server.listenerAddress("inbound").getPort(), clientSvid.get())).isEqualTo(newest);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Request/response exchanges over one connection at a time, reconnecting when the proxy finishes it. */
    private static Outcome load(int port, long endNanos, long seed) {
        Random random = new Random(seed);
        byte[] request = new byte[REQUEST];
        byte[] response = new byte[REQUEST];
        int exchanges = 0;
        int reconnects = 0;
        List<String> why = new ArrayList<>();
        Socket s = null;
        try {
            while (System.nanoTime() - endNanos < 0 && why.size() < 5) {
                if (s == null) {
                    s = new Socket(InetAddress.getLoopbackAddress(), port);
                    s.setSoTimeout(30_000);
                }
                random.nextBytes(request);
                int got = 0;
                try {
                    s.getOutputStream().write(request);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    while (got < REQUEST) {
                        int n = in.read(response, got, REQUEST - got);
                        if (n < 0) {
                            throw new EOFException();
                        }
                        got += n;
                    }
                } catch (IOException closed) {
                    s.close();
                    s = null;
                    if (got > 0) {
                        why.add("connection ended after " + got + " of " + REQUEST + " response bytes: " + closed);
                    } else {
                        reconnects++; // finished between exchanges: retry this request on a new connection
                    }
                    continue;
                }
                if (!Arrays.equals(request, response)) {
                    why.add("response differs from the request");
                }
                exchanges++;
                Thread.sleep(100); // think time: the quiet moment an expiring connection is finished in
            }
        } catch (IOException | InterruptedException e) {
            why.add("client error: " + e);
        } finally {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // done
                }
            }
        }
        return new Outcome(exchanges, reconnects, why.size(), why);
    }

    /** The serial of the certificate the server side presents to a new mTLS client. */
    private static BigInteger peerSerial(int port, Svid clientIdentity) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("svid", clientIdentity.privateKey(), new char[0], clientIdentity.chainArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
