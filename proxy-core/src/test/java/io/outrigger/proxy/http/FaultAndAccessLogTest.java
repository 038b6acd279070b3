package io.outrigger.proxy.http;

import static io.outrigger.proxy.http.HttpProxies.client;
import static io.outrigger.proxy.http.HttpProxies.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.HttpBackend;
import io.outrigger.xds.snapshot.AccessLogSpec;
import io.outrigger.xds.snapshot.HttpFilterSpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fault filter's percentages measured over many requests, and the access log Envoy users expect. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultAndAccessLogTest {
    private final HttpClient client = client();

    @TempDir
    Path dir;

    private record Outcome(int status, long millis) {
    }

    @Test
    void halfAbortedWith503AndAFifthDelayedBy100MillisecondsOverAThousandRequests() throws Exception {
        HttpFilterSpec.Fault fault = new HttpFilterSpec.Fault("envoy.filters.http.fault",
                new HttpFilterSpec.Delay(Duration.ofMillis(100), 200_000), new HttpFilterSpec.Abort(503, -1, false, 500_000), -1);
        try (HttpBackend b = HttpBackend.echo("b");
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("b"), List.of(fault)),
                     cluster("b", b.port()))) {
            int n = 1000;
            List<Outcome> outcomes = new ArrayList<>();
            List<CompletableFuture<Outcome>> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                batch.add(client.sendAsync(HttpProxies.request(proxy, "/f"), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> new Outcome(r.statusCode(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))));
                if (batch.size() == 32 || i == n - 1) {
                    for (var f : batch) {
                        outcomes.add(f.get(60, TimeUnit.SECONDS));
                    }
                    batch.clear();
                }
            }
            long aborted = outcomes.stream().filter(o -> o.status() == 503).count();
            long passed = outcomes.stream().filter(o -> o.status() == 200).count();
            long slow = outcomes.stream().filter(o -> o.millis() >= 100).count();
            // Binomial(1000, 0.5): sd 15.8, ±5 sd. Every request is either aborted or served.
            assertThat(aborted).isBetween(420L, 580L);
            assertThat(aborted + passed).isEqualTo(n);
            assertThat(b.requests()).isEqualTo((int) passed);
            // Binomial(1000, 0.2): mean 200, sd 12.6, ±5 sd. Every delayed request takes at least
            // 100 ms as the client sees it; undelayed ones may be slow too on a loaded machine, so
            // the client's count bounds the injected count from above only.
            long injected = proxy.stats().value("http.ingress.fault.delays_injected");
            assertThat(injected).isBetween(137L, 263L);
            assertThat(slow).isGreaterThanOrEqualTo(injected);
            assertThat(proxy.stats().value("http.ingress.fault.aborts_injected")).isEqualTo(aborted);
        }
    }

    @Test
    void headerControlledFaultsAbortOnlyWhenAsked() throws Exception {
        HttpFilterSpec.Fault fault = new HttpFilterSpec.Fault("envoy.filters.http.fault",
                new HttpFilterSpec.Delay(null, 1_000_000), new HttpFilterSpec.Abort(0, -1, true, 1_000_000), -1);
        try (HttpBackend b = HttpBackend.echo("b");
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("b"), List.of(fault)),
                     cluster("b", b.port()))) {
            assertThat(HttpProxies.get(client, proxy, "/plain").statusCode()).isEqualTo(200);
            HttpResponse<String> aborted = client.send(java.net.http.HttpRequest.newBuilder(HttpProxies.request(proxy, "/x").uri())
                    .header("x-envoy-fault-abort-request", "429").header("x-envoy-fault-delay-request", "200")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(aborted.statusCode()).isEqualTo(429);
            assertThat(aborted.body()).isEqualTo("fault filter abort");
            assertThat(b.requests()).isEqualTo(1);
        }
    }

    @Test
    void accessLogUsesEnvoysDefaultFormatWithResponseFlags() throws Exception {
        Path log = dir.resolve("access.log");
        int dead = io.outrigger.proxy.testing.Ports.free();
        try (HttpBackend b = HttpBackend.echo("b");
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("b"), List.of())
                             .withAccessLogs(List.of(new AccessLogSpec("envoy.access_loggers.file", log.toString(), null))),
                     cluster("b", b.port()))) {
            HttpResponse<String> ok = client.send(java.net.http.HttpRequest.newBuilder(HttpProxies.request(proxy, "/logged?q=1").uri())
                    .header("user-agent", "test-agent").header("x-request-id", "rid-1").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(log) && !Files.readString(log).isEmpty());
            String line = Files.readAllLines(log).getFirst();
            // [START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS RX TX DURATION UPSTREAM_TIME "XFF" "UA" "ID" "AUTHORITY" "UPSTREAM_HOST"
            assertThat(line).matches("\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z] \"GET /logged\\?q=1 HTTP/1.1\" 200 - 0 \\d+ \\d+ \\d+ "
                    + "\"-\" \"test-agent\" \"rid-1\" \"127.0.0.1:\\d+\" \"127.0.0.1:" + b.port() + "\"");
        }
        try (ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("d"), List.of())
                        .withAccessLogs(List.of(new AccessLogSpec("envoy.access_loggers.file", log.toString(), "%RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_CLUSTER%\n"))),
                cluster("d", dead))) {
            assertThat(HttpProxies.get(client, proxy, "/down").statusCode()).isEqualTo(503);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readAllLines(log).size() == 2);
            assertThat(Files.readAllLines(log).get(1)).isEqualTo("503 UF d");
        }
    }
}
