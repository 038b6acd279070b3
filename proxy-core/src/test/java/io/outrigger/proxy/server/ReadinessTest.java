package io.outrigger.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.testing.Backend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Ports;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.proxy.transport.Transport;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /ready} says LIVE only once clusters are warm and every listener is bound, as Envoy's does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadinessTest {
    @Test
    void readyIs503InitializingUntilDnsClustersAreResolvedAndListenersBound() throws Exception {
        int adminPort = Ports.free();
        int listenerPort = Ports.free();
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        try (Backend backend = Backend.echo()) {
            ClusterSpec dns = Snapshots.cluster("dns", ClusterSpec.DiscoveryType.STRICT_DNS, Duration.ofSeconds(1),
                    List.of(new LocalityEndpointsSpec(LocalitySpec.EMPTY, 0, 0,
                            List.of(Snapshots.endpoint("slow.test", backend.port())))));
            ProxyServer server = new ProxyServer(InProcessProxy.options(1).withResolver(host -> {
                try {
                    dnsAnswers.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of(InetAddress.ofLiteral("127.0.0.1"));
            }, Duration.ofSeconds(5)), Transport.detect());
            try (server) {
                CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
                    try {
                        server.start(Snapshots.snapshot(adminPort,
                                List.of(Snapshots.tcpListener("l", listenerPort, Snapshots.tcpProxy("tcp", "dns"))),
                                List.of(dns)), () -> "{}");
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/ready")).build();
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> Ports.listening(adminPort));

                HttpResponse<String> before = http.send(ready, HttpResponse.BodyHandlers.ofString());
                assertThat(before.statusCode()).isEqualTo(503);
                assertThat(before.body()).isEqualTo("INITIALIZING\n");
                assertThat(Ports.listening(listenerPort)).as("listeners bind after clusters warm").isFalse();

                dnsAnswers.countDown();
                started.get(30, TimeUnit.SECONDS);

                HttpResponse<String> after = http.send(ready, HttpResponse.BodyHandlers.ofString());
                assertThat(after.statusCode()).isEqualTo(200);
                assertThat(after.body()).isEqualTo("LIVE\n");
                assertThat(Ports.listening(listenerPort)).isTrue();
            }
        }
    }
}
