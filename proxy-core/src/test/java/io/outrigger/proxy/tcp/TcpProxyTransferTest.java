package io.outrigger.proxy.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.proxy.testing.Streams;
import io.outrigger.proxy.testing.Ports;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bytes through a real proxy on loopback: integrity, half-close, reset, backpressure, idle timeout. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpProxyTransferTest {
    private static final long MIB = 1024 * 1024;

    private static ProxyServer proxy(Backend backend, Duration idleTimeout) throws Exception {
        return InProcessProxy.start(Snapshots.snapshot(0,
                List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("tcp_stats",
                        List.of(new WeightedClusterSpec("backend", 1)), idleTimeout))),
                List.of(Snapshots.staticCluster("backend", Duration.ofSeconds(2), backend.port()))));
    }

    private static Socket connect(ProxyServer server) throws Exception {
        Socket s = new Socket("127.0.0.1", server.listenerAddress("l").getPort());
        s.setSoTimeout(60_000);
        return s;
    }

    @Test
    void sixtyFourMebibytesOfRandomBytesArriveIntactInBothDirections() throws Exception {
        long size = 64 * MIB;
        try (Backend backend = Backend.echo(); ProxyServer server = proxy(backend, Duration.ofHours(1));
             Socket s = connect(server)) {
            CompletableFuture<Streams.Summary> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    Streams.Summary summary = Streams.writeRandom(s.getOutputStream(), size, 7);
                    s.shutdownOutput();
                    return summary;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Streams.Summary received = Streams.readAll(s.getInputStream());

            assertThat(received).isEqualTo(sent.get(60, TimeUnit.SECONDS));
            assertThat(received.bytes()).isEqualTo(size);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(server.stats().value("tcp.tcp_stats.downstream_cx_rx_bytes_total")).isEqualTo(size);
                assertThat(server.stats().value("tcp.tcp_stats.downstream_cx_tx_bytes_total")).isEqualTo(size);
                assertThat(server.stats().value("cluster.backend.upstream_cx_tx_bytes_total")).isEqualTo(size);
                assertThat(server.stats().value("cluster.backend.upstream_cx_rx_bytes_total")).isEqualTo(size);
            });
        }
    }

    @Test
    void clientThatShutsItsOutputStillReadsTheWholeReply() throws Exception {
        // The backend answers only after it saw the client's FIN, as a request/response protocol
        // delimited by half-close does (e.g. netcat, rsync's protocol).
        int replySize = (int) (4 * MIB);
        try (Backend backend = Backend.start(sock -> {
                 byte[] digest = sha256(sock.getInputStream());
                 OutputStream out = sock.getOutputStream();
                 out.write(digest);
                 out.write(new byte[replySize - digest.length]);
                 out.flush();
                 sock.shutdownOutput();
             });
             ProxyServer server = proxy(backend, Duration.ofHours(1)); Socket s = connect(server)) {
            byte[] request = new byte[(int) MIB];
            new java.util.Random(3).nextBytes(request);
            s.getOutputStream().write(request);
            s.shutdownOutput();

            byte[] reply = s.getInputStream().readAllBytes();

            assertThat(reply).hasSize(replySize);
            assertThat(java.util.Arrays.copyOf(reply, 32))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(request));
        }
    }

    @Test
    void bytesAndFinSentBeforeTheUpstreamIsConnectedAreForwardedOnceItIs() throws Exception {
        // The first endpoint refuses, so the upstream is attached only after a failed attempt,
        // while the client's bytes and FIN have already arrived.
        int dead = Ports.free();
        try (Backend backend = Backend.echo();
             ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0,
                     List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("early", "c"))),
                     List.of(Snapshots.cluster("c", ClusterSpec.DiscoveryType.STATIC, Duration.ofSeconds(2), List.of(
                             new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 0,
                                     List.of(Snapshots.endpoint("127.0.0.1", dead))),
                             new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 1,
                                     List.of(Snapshots.endpoint("127.0.0.1", backend.port()))))))))) {
            for (int i = 0; i < 20; i++) {
                try (Socket s = connect(server)) {
                    byte[] request = ("request " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    s.getOutputStream().write(request);
                    s.shutdownOutput();

                    assertThat(s.getInputStream().readAllBytes()).isEqualTo(request);
                }
            }
        }
    }

    @Test
    void upstreamResetReachesTheClientAsAReset() throws Exception {
        try (Backend backend = Backend.start(sock -> {
                 sock.getInputStream().read();
                 sock.setSoLinger(true, 0);
                 sock.close();
             });
             ProxyServer server = proxy(backend, Duration.ofHours(1)); Socket s = connect(server)) {
            s.getOutputStream().write(1);

            assertThatThrownBy(() -> s.getInputStream().read(new byte[16]))
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void clientResetReachesTheBackendAsAReset() throws Exception {
        CompletableFuture<Throwable> backendSaw = new CompletableFuture<>();
        try (Backend backend = Backend.start(sock -> {
                 try {
                     InputStream in = sock.getInputStream();
                     while (in.read() >= 0) {
                         // keep reading until the proxy forwards something other than data
                     }
                     backendSaw.complete(null);
                 } catch (SocketException e) {
                     backendSaw.complete(e);
                 }
             });
             ProxyServer server = proxy(backend, Duration.ofHours(1))) {
            Socket s = connect(server);
            s.getOutputStream().write(new byte[100]);
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.accepted() == 1);
            s.setSoLinger(true, 0);
            s.close();

            Throwable seen = backendSaw.get(30, TimeUnit.SECONDS);
            assertThat(seen).as("the backend sees a reset, not an orderly EOF")
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void slowReaderOfA256MebibyteStreamKeepsPooledDirectMemoryUnder16Mebibytes() throws Exception {
        long size = 256 * MIB;
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
        try (Backend backend = Backend.start(sock -> Streams.writeRandom(sock.getOutputStream(), size, 11));
             ProxyServer server = InProcessProxy.start(Snapshots.snapshot(0,
                     List.of(Snapshots.tcpListener("l", 0, Snapshots.tcpProxy("slow", "backend"))),
                     List.of(Snapshots.staticCluster("backend", Duration.ofSeconds(2), backend.port()))),
                     InProcessProxy.options(1).withAllocator(allocator));
             Socket s = connect(server)) {
            s.setReceiveBufferSize(64 * 1024);
            AtomicLong maxUsed = new AtomicLong();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    long used = ((ByteBufAllocatorMetricProvider) allocator).metric().usedDirectMemory();
                    maxUsed.accumulateAndGet(used, Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            // Read far slower than the backend writes: 64 KiB then a 1 ms pause (at most ~64 MB/s).
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                Thread.sleep(1);
            }
            sampler.interrupt();
            System.out.printf("slow reader: peak pooled direct memory %.1f MiB%n", maxUsed.get() / (double) MIB);

            assertThat(total).isEqualTo(size);
            assertThat(maxUsed.get()).as("peak pooled direct memory of the proxy (bytes)").isLessThan(16 * MIB);
            assertThat(server.stats().value("cluster.backend.upstream_cx_rx_bytes_total")).isEqualTo(size);
        }
    }

    @Test
    void idleTimeoutClosesAConnectionWithNoTrafficAndCountsIt() throws Exception {
        try (Backend backend = Backend.echo(); ProxyServer server = proxy(backend, Duration.ofMillis(300));
             Socket s = connect(server)) {
            s.getOutputStream().write(42);
            assertThat(s.getInputStream().read()).isEqualTo(42);
            long start = System.nanoTime();

            assertThat(s.getInputStream().read()).as("closed by the proxy").isEqualTo(-1);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            assertThat(server.stats().value("tcp.tcp_stats.idle_timeout")).isEqualTo(1);
        }
    }

    @Test
    void clientThatStopsReadingIsDisconnectedAfterIdleTimeoutOnceBackpressureStopsTheFlow() throws Exception {
        try (Backend backend = Backend.start(sock -> Streams.writeRandom(sock.getOutputStream(), 64 * MIB, 5));
             ProxyServer server = proxy(backend, Duration.ofMillis(500)); Socket s = connect(server)) {
            // The client reads nothing: the proxy pauses the upstream, no bytes move, the idle timer fires.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(server.stats().value("tcp.tcp_stats.idle_timeout")).isEqualTo(1);
                assertThat(server.stats().value("cluster.backend.upstream_cx_active")).isZero();
                assertThat(server.sessions().size()).isZero();
            });
            assertThat(server.stats().value("cluster.backend.upstream_cx_rx_bytes_total"))
                    .as("bytes the proxy took from the backend before pausing").isLessThan(64 * MIB);
        }
    }

    private static byte[] sha256(InputStream in) throws java.io.IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
