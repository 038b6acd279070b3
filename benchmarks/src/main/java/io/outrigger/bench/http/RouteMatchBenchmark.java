package io.outrigger.bench.http;

import io.outrigger.proxy.http.route.RequestHead;
import io.outrigger.proxy.http.route.RouteEntry;
import io.outrigger.proxy.http.route.RouteTable;
import io.outrigger.xds.snapshot.HeaderMatcherSpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.RouteConfigSpec;
import io.outrigger.xds.snapshot.RouteMatchSpec;
import io.outrigger.xds.snapshot.RouteSpec;
import io.outrigger.xds.snapshot.StringMatcherSpec;
import io.outrigger.xds.snapshot.VirtualHostSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of routing one request through a virtual host of {@code routes} routes of one kind: path
 * prefixes ({@code /svc-N/}), a header match ({@code x-tenant: tenant-N} under prefix "/"), or RE2
 * regexes ({@code /api/v[0-9]+/item-N/[0-9]+}). Routes are tried in order as in Envoy, so the
 * request that matches the LAST route is the worst case; {@code MIDDLE} matches route N/2.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouteMatchBenchmark {
    @Param({"PREFIX", "HEADER", "REGEX"})
    public String kind;

    @Param({"1000"})
    public int routes;

    @Param({"LAST", "MIDDLE"})
    public String target;

    private RouteTable table;
    private RequestHead head;

    /** A request with a fixed path, authority and headers. */
    record Head(String path, Map<String, String> headers) implements RequestHead {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String authority() {
            return "svc.example.com";
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

    @Setup
    public void setup() {
        List<RouteSpec> list = new ArrayList<>();
        RouteActionSpec.Forward action = RouteActionSpec.Forward.cluster("c");
        for (int i = 0; i < routes; i++) {
            RouteMatchSpec m = switch (kind) {
                case "PREFIX" -> RouteMatchSpec.prefix("/svc-" + i + "/");
                case "HEADER" -> RouteMatchSpec.prefix("/").withHeaders(List.of(
                        HeaderMatcherSpec.string("x-tenant", StringMatcherSpec.exact("tenant-" + i), false)));
                case "REGEX" -> new RouteMatchSpec(RouteMatchSpec.PathKind.SAFE_REGEX, "/api/v[0-9]+/item-" + i + "/[0-9]+",
                        true, List.of(), List.of(), false);
                default -> throw new IllegalArgumentException("kind: " + kind);
            };
            list.add(new RouteSpec("r" + i, m, action));
        }
        table = RouteTable.build(new RouteConfigSpec("rc", List.of(new VirtualHostSpec("vh", List.of("*"), list))), n -> null);
        int n = target.equals("LAST") ? routes - 1 : routes / 2;
        head = switch (kind) {
            case "PREFIX" -> new Head("/svc-" + n + "/users/42?x=1", Map.of("user-agent", "bench"));
            case "HEADER" -> new Head("/anything", Map.of("x-tenant", "tenant-" + n, "user-agent", "bench"));
            default -> new Head("/api/v2/item-" + n + "/12345", Map.of("user-agent", "bench"));
        };
        RouteEntry e = table.route(head);
        if (e == null || !e.name().equals("r" + n)) {
            throw new IllegalStateException("expected route r" + n + ", got " + (e == null ? "none" : e.name()));
        }
    }

    @Benchmark
    public RouteEntry route() {
        return table.route(head);
    }
}
