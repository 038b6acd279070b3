package io.outrigger.proxy.http;

import static io.outrigger.proxy.http.HttpProxies.client;
import static io.outrigger.proxy.http.HttpProxies.cluster;
import static io.outrigger.proxy.http.HttpProxies.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.HttpBackend;
import io.outrigger.xds.snapshot.CircuitBreakersSpec;
import io.outrigger.xds.snapshot.OutlierDetectionSpec;
import io.outrigger.xds.snapshot.RetryPolicySpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.UpstreamHttpSpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retries, timeouts, circuit breaking, outlier ejection and weighted canaries through a real proxy. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HttpResilienceTest {
    private final HttpClient client = client();

    private static RouteActionSpec.Forward retrying(String cluster, RetryPolicySpec retry) {
        return RouteActionSpec.Forward.cluster(cluster).withRetryPolicy(retry);
    }

    @Test
    void firstTryFailsWith503AndTheRetrySucceeds() throws Exception {
        try (HttpBackend b = HttpBackend.start("b", (ex, n) -> HttpBackend.respond(ex, n == 1 ? 503 : 200, "try " + n));
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(retrying("b",
                     RetryPolicySpec.of(Set.of("5xx"), 2).withBackoff(Duration.ofMillis(5), Duration.ofMillis(50))), List.of()),
                     cluster("b", b.port()))) {
            HttpResponse<String> r = get(client, proxy, "/x");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("try 2");
            assertThat(b.requests()).isEqualTo(2);
            assertThat(proxy.stats().value("cluster.b.upstream_rq_retry")).isEqualTo(1);
            assertThat(proxy.stats().value("cluster.b.upstream_rq_retry_success")).isEqualTo(1);
        }
    }

    @Test
    void connectFailureIsRetriedOnAnotherHost() throws Exception {
        int dead = io.outrigger.proxy.testing.Ports.free();
        try (HttpBackend b = HttpBackend.echo("alive");
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(retrying("c",
                     RetryPolicySpec.of(Set.of("connect-failure"), 1).withBackoff(Duration.ofMillis(1), Duration.ofMillis(10))), List.of()),
                     cluster("c", dead, b.port()))) {
            for (int i = 0; i < 4; i++) {
                assertThat(get(client, proxy, "/y").statusCode()).isEqualTo(200);
            }
            assertThat(proxy.stats().value("cluster.c.upstream_cx_connect_fail")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void withoutRetriesAConnectFailureIs503WithUpstreamFailureBody() throws Exception {
        int dead = io.outrigger.proxy.testing.Ports.free();
        try (ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("c"), List.of()), cluster("c", dead))) {
            HttpResponse<String> r = get(client, proxy, "/y");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).startsWith("upstream connect error or disconnect/reset before headers");
        }
    }

    @Test
    void retryBudgetCapsRetriesWhenEveryTryFails() throws Exception {
        int concurrent = 20;
        try (HttpBackend b = HttpBackend.start("fail", (ex, n) -> {
            sleep(300);
            HttpBackend.respond(ex, 503, "no");
        });
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(retrying("f",
                     RetryPolicySpec.of(Set.of("5xx"), 3).withBackoff(Duration.ofMillis(1), Duration.ofMillis(5))), List.of()),
                     cluster("f", b.port()).withHttp(UpstreamHttpSpec.DEFAULTS.withCircuitBreakers(
                             new CircuitBreakersSpec(1024, 1024, 1024, 3, 20.0, 1))))) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                all.add(client.sendAsync(HttpProxies.request(proxy, "/z"), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                assertThat(f.get(120, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
            }
            // Unbudgeted, 20 requests with 3 retries each would reach the backend 80 times; the
            // budget (20% of active requests) allows a few retries at a time.
            assertThat(b.requests()).isLessThan(concurrent * 4);
            assertThat(proxy.stats().value("cluster.f.upstream_rq_retry_overflow")).isGreaterThan(0);
        }
    }

    @Test
    void perTryTimeoutFiresAndTheRetryAnswers() throws Exception {
        try (HttpBackend b = HttpBackend.start("slow-once", (ex, n) -> {
            if (n == 1) {
                sleep(3000);
            }
            HttpBackend.respond(ex, 200, "try " + n);
        });
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(retrying("s",
                     RetryPolicySpec.of(Set.of("5xx"), 1).withPerTryTimeout(Duration.ofMillis(300))
                             .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5))), List.of()), cluster("s", b.port()))) {
            HttpResponse<String> r = get(client, proxy, "/t");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("try 2");
            assertThat(proxy.stats().value("cluster.s.upstream_rq_per_try_timeout")).isEqualTo(1);
        }
    }

    @Test
    void routeTimeoutAnswers504() throws Exception {
        try (HttpBackend b = HttpBackend.start("slow", (ex, n) -> {
            sleep(3000);
            HttpBackend.respond(ex, 200, "late");
        });
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("s")
                     .withTimeout(Duration.ofMillis(300)), List.of()), cluster("s", b.port()))) {
            HttpResponse<String> r = get(client, proxy, "/t");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).isEqualTo("upstream request timeout");
            assertThat(proxy.stats().value("cluster.s.upstream_rq_timeout")).isEqualTo(1);
        }
    }

    @Test
    void circuitBreakerOverflowIs503() throws Exception {
        try (HttpBackend b = HttpBackend.start("slow", (ex, n) -> {
            sleep(1500);
            HttpBackend.respond(ex, 200, "ok");
        });
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("s"), List.of()),
                     cluster("s", b.port()).withHttp(UpstreamHttpSpec.DEFAULTS.withCircuitBreakers(
                             new CircuitBreakersSpec(1024, 1024, 1, 3, -1, 3))))) {
            CompletableFuture<HttpResponse<String>> first = client.sendAsync(HttpProxies.request(proxy, "/a"), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(20)).until(() -> b.requests() == 1);
            HttpResponse<String> second = get(client, proxy, "/b");
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(second.body()).endsWith("reset reason: overflow");
            assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(proxy.stats().value("cluster.s.upstream_rq_pending_overflow")).isEqualTo(1);
        }
    }

    @Test
    void hostReturning5xxIsEjectedAndTrafficGoesToTheHealthyOne() throws Exception {
        try (HttpBackend bad = HttpBackend.start("bad", (ex, n) -> HttpBackend.respond(ex, 500, "bad"));
             HttpBackend good = HttpBackend.echo("good");
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(RouteActionSpec.Forward.cluster("o"), List.of()),
                     cluster("o", bad.port(), good.port()).withHttp(UpstreamHttpSpec.DEFAULTS.withOutlierDetection(
                             new OutlierDetectionSpec(3, 5, 5, Duration.ofSeconds(10), Duration.ofSeconds(60),
                                     Duration.ofSeconds(300), 50, 100, 0, 100, 100, false))))) {
            // Round robin alternates until the third consecutive 500 ejects the bad host.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                get(client, proxy, "/o");
                return bad.requests() >= 3;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> get(client, proxy, "/o").statusCode() == 200
                    && get(client, proxy, "/o").statusCode() == 200);
            int badBefore = bad.requests();
            for (int i = 0; i < 20; i++) {
                assertThat(get(client, proxy, "/o").statusCode()).isEqualTo(200);
            }
            assertThat(bad.requests()).isEqualTo(badBefore);
        }
    }

    @Test
    void weightedClustersSplitNinetyTenWithinTolerance() throws Exception {
        try (HttpBackend v1 = HttpBackend.echo("v1"); HttpBackend v2 = HttpBackend.echo("v2");
             ProxyServer proxy = HttpProxies.start(HttpProxies.hcm(new RouteActionSpec.Forward(List.of(
                     new WeightedClusterSpec("v1", 90), new WeightedClusterSpec("v2", 10)), null, null, null,
                     RouteActionSpec.DEFAULT_TIMEOUT, null, null, null), List.of()),
                     cluster("v1", v1.port()), cluster("v2", v2.port()))) {
            int n = 1000;
            List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(client.sendAsync(HttpProxies.request(proxy, "/w"), HttpResponse.BodyHandlers.ofString()));
                if (batch.size() == 16) {
                    for (var f : batch) {
                        assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                    }
                    batch.clear();
                }
            }
            for (var f : batch) {
                f.get(60, TimeUnit.SECONDS);
            }
            // Binomial(1000, 0.1): mean 100, standard deviation 9.5; ±4 sd.
            assertThat(v2.requests()).isBetween(62, 138);
            assertThat(v1.requests() + v2.requests()).isEqualTo(n);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms); // the backend is slow on purpose
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
