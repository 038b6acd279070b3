package io.outrigger.proxy.http.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.xds.snapshot.HeaderMatcherSpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.RouteConfigSpec;
import io.outrigger.xds.snapshot.RouteMatchSpec;
import io.outrigger.xds.snapshot.RouteSpec;
import io.outrigger.xds.snapshot.StringMatcherSpec;
import io.outrigger.xds.snapshot.VirtualHostSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing as a pure function, with the precedence rules Envoy documents. */
class RouteTableTest {
    record Head(String path, String authority, Map<String, String> headers) implements RequestHead {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String scheme() {
            return "http";
        }

        @Override
        public String header(String name) {
            return headers.get(name);
        }
    }

    private static VirtualHostSpec host(String name, String... domains) {
        return new VirtualHostSpec(name, List.of(domains), List.of(new RouteSpec(name, RouteMatchSpec.prefix("/"),
                RouteActionSpec.Forward.cluster(name))));
    }

    private static String vhostFor(RouteTable t, String authority) {
        RouteEntry e = t.route(new Head("/", authority, Map.of()));
        return e == null ? null : e.virtualHost();
    }

    @Test
    void exactDomainBeatsLongestSuffixWildcardBeatsPrefixWildcardBeatsStar() {
        RouteTable t = RouteTable.build(new RouteConfigSpec("rc", List.of(
                host("star", "*"), host("prefix", "api.*"), host("short-suffix", "*.com"),
                host("long-suffix", "*.example.com"), host("exact", "api.example.com"))), n -> null);
        assertThat(vhostFor(t, "api.example.com")).isEqualTo("exact");
        assertThat(vhostFor(t, "API.Example.com")).isEqualTo("exact");
        assertThat(vhostFor(t, "www.example.com")).isEqualTo("long-suffix");
        assertThat(vhostFor(t, "api.example.org")).isEqualTo("prefix");
        assertThat(vhostFor(t, "other.com")).isEqualTo("short-suffix");
        assertThat(vhostFor(t, "localhost")).isEqualTo("star");
        // A wildcard stands for at least one character: ".com" is not "*.com".
        assertThat(vhostFor(t, ".com")).isEqualTo("star");
    }

    @Test
    void withoutAStarHostAnUnknownAuthorityHasNoRoute() {
        RouteTable t = RouteTable.build(new RouteConfigSpec("rc", List.of(host("a", "a.local"))), n -> null);
        assertThat(t.route(new Head("/", "b.local", Map.of()))).isNull();
    }

    @Test
    void portIsIgnoredInHostMatchingOnlyWhenConfigured() {
        List<VirtualHostSpec> hosts = List.of(host("exact", "svc.local"), host("star", "*"));
        RouteTable strict = RouteTable.build(new RouteConfigSpec("rc", hosts), n -> null);
        RouteTable lenient = RouteTable.build(new RouteConfigSpec("rc", hosts, io.outrigger.xds.snapshot.HeaderMutationSpec.NONE,
                io.outrigger.xds.snapshot.HeaderMutationSpec.NONE, true), n -> null);
        assertThat(vhostFor(strict, "svc.local:8080")).isEqualTo("star");
        assertThat(vhostFor(lenient, "svc.local:8080")).isEqualTo("exact");
    }

    @Test
    void firstMatchingRouteWinsAndCaseInsensitivePrefixesMatchAnyCase() {
        RouteSpec insensitive = new RouteSpec("ci", new RouteMatchSpec(RouteMatchSpec.PathKind.PREFIX, "/API", false, List.of(),
                List.of(), false), RouteActionSpec.Forward.cluster("a"));
        RouteSpec grpc = new RouteSpec("grpc", new RouteMatchSpec(RouteMatchSpec.PathKind.PREFIX, "/", true, List.of(),
                List.of(), true), RouteActionSpec.Forward.cluster("g"));
        RouteSpec absent = new RouteSpec("no-debug", RouteMatchSpec.prefix("/").withHeaders(List.of(
                new HeaderMatcherSpec("x-debug", HeaderMatcherSpec.Kind.ABSENT, null, 0, 0, false))), RouteActionSpec.Forward.cluster("b"));
        RouteSpec regexHeader = new RouteSpec("ua", RouteMatchSpec.prefix("/").withHeaders(List.of(HeaderMatcherSpec.string(
                "user-agent", new StringMatcherSpec(StringMatcherSpec.Kind.REGEX, ".*curl/[0-9.]+", false), false))),
                RouteActionSpec.Forward.cluster("c"));
        RouteTable t = RouteTable.build(new RouteConfigSpec("rc", List.of(new VirtualHostSpec("v", List.of("*"),
                List.of(insensitive, grpc, absent, regexHeader)))), n -> null);
        assertThat(t.route(new Head("/api/x", "h", Map.of())).name()).isEqualTo("ci");
        assertThat(t.route(new Head("/x", "h", Map.of("content-type", "application/grpc+proto"))).name()).isEqualTo("grpc");
        assertThat(t.route(new Head("/x", "h", Map.of())).name()).isEqualTo("no-debug");
        assertThat(t.route(new Head("/x", "h", Map.of("x-debug", "1", "user-agent", "curl/8.5.0"))).name()).isEqualTo("ua");
        assertThat(t.route(new Head("/x", "h", Map.of("x-debug", "1", "user-agent", "wget")))).isNull();
    }

    @Test
    void prefixRewriteReplacesTheMatchedPartAndKeepsTheQuery() {
        RouteTable t = RouteTable.build(new RouteConfigSpec("rc", List.of(new VirtualHostSpec("v", List.of("*"), List.of(
                new RouteSpec("p", RouteMatchSpec.prefix("/old/"), RouteActionSpec.Forward.cluster("a")),
                new RouteSpec("x", new RouteMatchSpec(RouteMatchSpec.PathKind.PATH, "/exact", true, List.of(), List.of(), false),
                        RouteActionSpec.Forward.cluster("a")))))), n -> null);
        RouteEntry p = t.route(new Head("/old/a/b?x=1", "h", Map.of()));
        assertThat(p.rewritePath("/old/a/b?x=1", "/new/")).isEqualTo("/new/a/b?x=1");
        RouteEntry x = t.route(new Head("/exact?y=2", "h", Map.of()));
        assertThat(x.rewritePath("/exact?y=2", "/other")).isEqualTo("/other?y=2");
    }

    @Test
    void weightedPickFollowsCumulativeWeights() {
        RouteTable t = RouteTable.build(new RouteConfigSpec("rc", List.of(new VirtualHostSpec("v", List.of("*"), List.of(
                new RouteSpec("w", RouteMatchSpec.prefix("/"), new RouteActionSpec.Forward(List.of(
                        new io.outrigger.xds.snapshot.WeightedClusterSpec("a", 90), new io.outrigger.xds.snapshot.WeightedClusterSpec("b", 10)),
                        null, null, null, RouteActionSpec.DEFAULT_TIMEOUT, null, null, null)))))), n -> null);
        RouteEntry e = t.route(new Head("/", "h", Map.of()));
        // Values 0..89 select "a", 90..99 select "b" (Envoy's weighted_clusters selection).
        assertThat(e.clusterName(e.pickCluster(89))).isEqualTo("a");
        assertThat(e.clusterName(e.pickCluster(90))).isEqualTo("b");
        assertThat(e.clusterName(e.pickCluster(199))).isEqualTo("b");
        assertThat(e.clusterName(e.pickCluster(100))).isEqualTo("a");
    }
}
