package io.outrigger.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Reconnects against a "control plane" that accepts TCP connections and drops them at once. */
class ReconnectBackoffTest {
    @Test
    void aFailingControlPlaneIsRetriedAtTheBackoffPaceNotInATightLoop() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket dropper = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!dropper.isClosed()) {
                    try (Socket s = dropper.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            AdsConfig config = AdsConfig.of(false, "xds_cluster", new SocketAddressSpec("127.0.0.1", dropper.getLocalPort()))
                    .withRetryBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
            try (AdsClient client = AdsClient.builder(config, AdsHarness.STATICS, TestDecoders.decoders())
                    .random(RandomGenerator.of("L64X128MixRandom")).build()) {
                client.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> connections.get() >= 3);
                int before = connections.get();

                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);

                // 2 s at 200-400 ms per attempt is about 5-10 attempts; without backoff it would be hundreds.
                assertThat(connections.get() - before).isBetween(2, 40);
                assertThat(client.stats().connectedState()).isZero();
                assertThat(client.current()).isNotNull();
                assertThat(client.current().versionInfo()).isEqualTo("static");
                assertThat(client.isReady()).isFalse();
            }
            dropper.close();
            acceptor.join(Duration.ofSeconds(10));
        }
    }
}
