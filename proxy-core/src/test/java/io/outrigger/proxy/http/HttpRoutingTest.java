package io.outrigger.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.proxy.testing.HttpBackend;
import io.outrigger.proxy.testing.InProcessProxy;
import io.outrigger.proxy.testing.Snapshots;
import io.outrigger.xds.snapshot.HeaderMatcherSpec;
import io.outrigger.xds.snapshot.HeaderMutationSpec;
import io.outrigger.xds.snapshot.HttpConnectionManagerSpec;
import io.outrigger.xds.snapshot.HttpFilterSpec;
import io.outrigger.xds.snapshot.QueryParameterMatcherSpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.RouteConfigSpec;
import io.outrigger.xds.snapshot.RouteMatchSpec;
import io.outrigger.xds.snapshot.RouteSpec;
import io.outrigger.xds.snapshot.StringMatcherSpec;
import io.outrigger.xds.snapshot.VirtualHostSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each routing rule, header rule and rewrite of a route configuration, through a real proxy on
 * loopback, with the JDK HttpClient as the client and the JDK HTTP server as the backends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpRoutingTest {
    private static HttpBackend v1;
    private static HttpBackend v2;
    private static ProxyServer proxy;
    private static HttpClient client;
    private static int port;

    private static HeaderMutationSpec add(String name, String value) {
        return new HeaderMutationSpec(List.of(new HeaderMutationSpec.HeaderValueSpec(name, value,
                HeaderMutationSpec.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD)), List.of());
    }

    private static RouteMatchSpec match(RouteMatchSpec.PathKind kind, String path) {
        return new RouteMatchSpec(kind, path, true, List.of(), List.of(), false);
    }

    @BeforeAll
    static void start() throws Exception {
        v1 = HttpBackend.echo("v1");
        v2 = HttpBackend.echo("v2");
        RouteActionSpec.Forward toV1 = RouteActionSpec.Forward.cluster("v1");
        RouteActionSpec.Forward toV2 = RouteActionSpec.Forward.cluster("v2");
        List<RouteSpec> routes = List.of(
                new RouteSpec("user", match(RouteMatchSpec.PathKind.PATH_SEPARATED_PREFIX, "/svc-b/user"),
                        new RouteActionSpec.Forward(toV1.clusters(), null, "/users", "users.internal",
                                RouteActionSpec.DEFAULT_TIMEOUT, null, null, null),
                        add("x-route", "user"), new HeaderMutationSpec(List.of(new HeaderMutationSpec.HeaderValueSpec(
                        "x-route-response", "user", HeaderMutationSpec.AppendAction.APPEND_IF_EXISTS_OR_ADD)), List.of("x-seen-path"))),
                new RouteSpec("order", RouteMatchSpec.prefix("/svc-b/order"), toV2),
                new RouteSpec("canary-header", RouteMatchSpec.prefix("/hdr").withHeaders(List.of(
                        HeaderMatcherSpec.string("x-canary", StringMatcherSpec.exact("yes"), false),
                        HeaderMatcherSpec.range("x-version", 2, 5, false))), toV2),
                new RouteSpec("hdr-inverted", RouteMatchSpec.prefix("/hdr").withHeaders(List.of(
                        HeaderMatcherSpec.present("x-block", true))), toV1),
                new RouteSpec("query", RouteMatchSpec.prefix("/q").withQueryParameters(List.of(
                        new QueryParameterMatcherSpec("tenant", new StringMatcherSpec(StringMatcherSpec.Kind.PREFIX, "acme", false)))), toV2),
                new RouteSpec("regex", match(RouteMatchSpec.PathKind.SAFE_REGEX, "/items/[0-9]+"), toV2),
                new RouteSpec("exact", match(RouteMatchSpec.PathKind.PATH, "/exact"), toV1),
                new RouteSpec("redirect", match(RouteMatchSpec.PathKind.PATH, "/old"),
                        new RouteActionSpec.Redirect(null, null, 0, "/new", null, 301, false)),
                new RouteSpec("direct", RouteMatchSpec.prefix("/health"), new RouteActionSpec.DirectResponse(200, "ok")),
                new RouteSpec("by-header", RouteMatchSpec.prefix("/pick"),
                        new RouteActionSpec.Forward(List.of(), "x-cluster", null, null, RouteActionSpec.DEFAULT_TIMEOUT, null, null, null)));
        VirtualHostSpec main = new VirtualHostSpec("main", List.of("*"), routes, add("x-vhost", "main"), HeaderMutationSpec.NONE, null);
        VirtualHostSpec api = new VirtualHostSpec("api", List.of("*.api.example.com"), List.of(
                new RouteSpec("api", RouteMatchSpec.prefix("/"), toV2)));
        RouteConfigSpec rc = new RouteConfigSpec("rc", List.of(api, main), add("x-config", "rc"),
                new HeaderMutationSpec(List.of(new HeaderMutationSpec.HeaderValueSpec("x-config-response", "rc",
                        HeaderMutationSpec.AppendAction.APPEND_IF_EXISTS_OR_ADD)), List.of()), false);
        HttpConnectionManagerSpec hcm = HttpConnectionManagerSpec.of("ingress", HttpConnectionManagerSpec.CodecType.AUTO, rc,
                List.of(new HttpFilterSpec.Router("envoy.filters.http.router")));
        proxy = InProcessProxy.start(Snapshots.snapshot(0, List.of(Snapshots.httpListener("http", 0, hcm)),
                List.of(Snapshots.staticCluster("v1", Duration.ofSeconds(2), v1.port()),
                        Snapshots.staticCluster("v2", Duration.ofSeconds(2), v2.port()))));
        port = proxy.listenerAddress("http").getPort();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        v1.close();
        v2.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pathSeparatedPrefixMatchesOnlyWholeSegmentsAndRewritesPrefixAndHost() throws Exception {
        HttpResponse<String> r = get("/svc-b/user/42?x=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("v1 GET /users/42?x=1");
        assertThat(r.headers().firstValue("x-seen-host")).hasValue("users.internal");
        assertThat(r.headers().firstValue("x-seen-x-envoy-original-path")).hasValue("/svc-b/user/42?x=1");
        // "/svc-b/username" is not under the "/svc-b/user" segment: no route matches it.
        assertThat(get("/svc-b/username").statusCode()).isEqualTo(404);
        assertThat(get("/svc-b/user").body()).isEqualTo("v1 GET /users");
    }

    @Test
    void prefixRouteSendsToItsCluster() throws Exception {
        assertThat(get("/svc-b/order/7").body()).isEqualTo("v2 GET /svc-b/order/7");
    }

    @Test
    void headerMatchersSelectAndInvertedPresenceExcludes() throws Exception {
        assertThat(get("/hdr", "x-canary", "yes", "x-version", "3").body()).startsWith("v2");
        // x-version 5 is outside [2, 5): the next route (x-block absent) takes it.
        assertThat(get("/hdr", "x-canary", "yes", "x-version", "5").body()).startsWith("v1");
        assertThat(get("/hdr", "x-block", "1").statusCode()).isEqualTo(404);
    }

    @Test
    void queryParameterRegexAndExactPathRoutes() throws Exception {
        assertThat(get("/q?a=1&tenant=acme-corp").body()).startsWith("v2");
        assertThat(get("/q?tenant=other").statusCode()).isEqualTo(404);
        assertThat(get("/items/123?x=y").body()).startsWith("v2");
        assertThat(get("/items/12a").statusCode()).isEqualTo(404);
        assertThat(get("/exact?q=1").body()).startsWith("v1");
        assertThat(get("/exact/more").statusCode()).isEqualTo(404);
    }

    @Test
    void redirectDirectResponseAndNoRouteAreLocalReplies() throws Exception {
        HttpResponse<String> redirect = get("/old?keep=1");
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("location")).hasValue("http://127.0.0.1:" + port + "/new?keep=1");
        HttpResponse<String> direct = get("/health");
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(direct.body()).isEqualTo("ok");
        assertThat(direct.headers().firstValue("server")).hasValue("envoy");
        assertThat(get("/nowhere").statusCode()).isEqualTo(404);
        assertThat(proxy.stats().value("http.ingress.no_route")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void clusterHeaderChoosesTheClusterPerRequest() throws Exception {
        assertThat(get("/pick", "x-cluster", "v1").body()).startsWith("v1");
        assertThat(get("/pick", "x-cluster", "v2").body()).startsWith("v2");
        assertThat(get("/pick", "x-cluster", "nope").statusCode()).isEqualTo(503);
    }

    @Test
    void headersAreAddedAndRemovedAtRouteVirtualHostAndConfigLevels() throws Exception {
        HttpResponse<String> r = get("/svc-b/user/1");
        assertThat(r.headers().firstValue("x-seen-x-route")).hasValue("user");
        assertThat(r.headers().firstValue("x-seen-x-vhost")).hasValue("main");
        assertThat(r.headers().firstValue("x-seen-x-config")).hasValue("rc");
        assertThat(r.headers().firstValue("x-route-response")).hasValue("user");
        assertThat(r.headers().firstValue("x-config-response")).hasValue("rc");
        assertThat(r.headers().firstValue("x-seen-path")).isEmpty();
        assertThat(r.headers().firstValue("x-envoy-upstream-service-time")).isPresent();
    }

    @Test
    void virtualHostIsChosenByAuthorityWithSuffixWildcards() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/svc-b/user/1"))
                .timeout(Duration.ofSeconds(30)).build();
        // The JDK client sets Host from the URI; a raw request sets it to a name under *.api.example.com.
        assertThat(client.send(req, HttpResponse.BodyHandlers.ofString()).body()).startsWith("v1");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET /svc-b/user/1 HTTP/1.1\r\nHost: eu.api.example.com\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("v2 GET /svc-b/user/1");
        }
    }

    @Test
    void requestIdIsGeneratedOrPreservedAndForwardedProtoIsSet() throws Exception {
        HttpResponse<String> generated = get("/svc-b/order/1");
        assertThat(generated.headers().firstValue("x-seen-x-request-id")).hasValueSatisfying(id ->
                assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
        assertThat(generated.headers().firstValue("x-seen-x-forwarded-proto")).hasValue("http");
        HttpResponse<String> kept = get("/svc-b/order/1", "x-request-id", "abc-123",
                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "x-b3-traceid", "80f198ee56343ba8");
        assertThat(kept.headers().firstValue("x-seen-x-request-id")).hasValue("abc-123");
        assertThat(kept.headers().firstValue("x-seen-traceparent")).hasValue("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(kept.headers().firstValue("x-seen-x-b3-traceid")).hasValue("80f198ee56343ba8");
    }

    @Test
    void postBodiesAndKeepAliveWork() throws Exception {
        for (int i = 0; i < 20; i++) {
            String body = "x".repeat(i * 1000);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/svc-b/order"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-seen-body-length")).hasValue(Integer.toString(body.length()));
        }
    }
}
