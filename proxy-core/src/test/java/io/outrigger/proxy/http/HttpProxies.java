package io.outrigger.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.HttpFilterSpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.RouteConfigSpec;
import io.outrigger.xds.snapshot.RouteMatchSpec;
import io.outrigger.xds.snapshot.RouteSpec;
import io.outrigger.xds.snapshot.VirtualHostSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds small HTTP proxies for tests: one listener "http", one route for "/" and the given clusters. */
final class HttpProxies {
    static final HttpFilterSpec ROUTER = new HttpFilterSpec.Router("envoy.filters.http.router");

    private HttpProxies() {
    }

    static HttpConnectionManagerSpec hcm(RouteActionSpec action, List<HttpFilterSpec> filtersBeforeRouter) {
        List<HttpFilterSpec> filters = new ArrayList<>(filtersBeforeRouter);
        filters.add(ROUTER);
        RouteConfigSpec rc = new RouteConfigSpec("rc", List.of(new VirtualHostSpec("all", List.of("*"),
                List.of(new RouteSpec("root", RouteMatchSpec.prefix("/"), action)))));
        return HttpConnectionManagerSpec.of("ingress", HttpConnectionManagerSpec.CodecType.AUTO, rc, filters);
    }

    static ProxyServer start(HttpConnectionManagerSpec hcm, ClusterSpec... clusters) throws Exception {
        return InProcessProxy.start(Snapshots.snapshot(0, List.of(Snapshots.httpListener("http", 0, hcm)), List.of(clusters)));
    }

    static ClusterSpec cluster(String name, int... ports) {
        return Snapshots.staticCluster(name, Duration.ofSeconds(2), ports);
    }

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static HttpResponse<String> get(HttpClient client, ProxyServer proxy, String path) throws Exception {
        return client.send(request(proxy, path), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest request(ProxyServer proxy, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.listenerAddress("http").getPort() + path))
                .timeout(Duration.ofSeconds(60)).build();
    }

    /**
     * Runs {@code bad} while a good client keeps sending {@code GET /good} through {@code proxy};
     * fails if any good request failed, and returns how many succeeded.
     */
    static int whileGoodClientRuns(ProxyServer proxy, ThrowingRunnable bad) throws Exception {
        HttpClient client = client();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<Void> good = CompletableFuture.runAsync(() -> {
            int i = 0;
            while (!stop.get() && i++ < 10_000) {
                try {
                    if (get(client, proxy, "/good").statusCode() == 200) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        });
        try {
            bad.run();
        } finally {
            stop.set(true);
            good.get(60, TimeUnit.SECONDS);
        }
        assertThat(failed.get()).as("good requests that failed").isZero();
        return ok.get();
    }

    /** A test action that may throw. */
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
