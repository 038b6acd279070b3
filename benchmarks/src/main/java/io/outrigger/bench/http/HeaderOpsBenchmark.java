package io.outrigger.bench.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.outrigger.proxy.http.HeaderOps;
import io.outrigger.xds.snapshot.HeaderMutationSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The header work the connection manager does per request on a typical 16-header request:
 * copying the headers for an upstream attempt, removing hop-by-hop headers, applying route, virtual
 * host and route-config mutations, and single-header lookups.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeaderOpsBenchmark {
    private HttpHeaders request;
    private List<HeaderMutationSpec> mutations;

    @Setup
    public void setup() {
        request = new DefaultHttpHeaders();
        request.add("host", "reviews.default.svc.cluster.local:9080");
        request.add("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36");
        request.add("accept", "application/json");
        request.add("accept-encoding", "gzip, deflate, br");
        request.add("accept-language", "en-GB,en;q=0.9");
        request.add("connection", "keep-alive");
        request.add("keep-alive", "timeout=5");
        request.add("x-request-id", "9f1c3b1e-5a47-4d0e-8e7f-3c2f5b0a1d2e");
        request.add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        request.add("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7");
        request.add("x-b3-spanid", "e457b5a2e4d86bd1");
        request.add("x-b3-sampled", "1");
        request.add("x-forwarded-proto", "http");
        request.add("cookie", "session=abcdef0123456789; theme=dark");
        request.add("content-type", "application/json");
        request.add("content-length", "0");
        mutations = List.of(
                new HeaderMutationSpec(List.of(new HeaderMutationSpec.HeaderValueSpec("x-route", "reviews-v2",
                        HeaderMutationSpec.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD)), List.of("cookie")),
                new HeaderMutationSpec(List.of(new HeaderMutationSpec.HeaderValueSpec("x-vhost", "reviews",
                        HeaderMutationSpec.AppendAction.APPEND_IF_EXISTS_OR_ADD)), List.of()),
                new HeaderMutationSpec(List.of(new HeaderMutationSpec.HeaderValueSpec("x-mesh", "outrigger",
                        HeaderMutationSpec.AppendAction.ADD_IF_ABSENT)), List.of("x-internal-debug")));
    }

    /** Copy + hop-by-hop removal + three levels of mutations: what one upstream attempt costs in headers. */
    @Benchmark
    public HttpHeaders copyStripAndMutate() {
        HttpHeaders h = request.copy();
        HeaderOps.stripHopByHop(h);
        HeaderOps.apply(h, mutations);
        return h;
    }

    @Benchmark
    public HttpHeaders copyOnly() {
        return request.copy();
    }

    @Benchmark
    public String lookup() {
        return request.get("x-request-id");
    }
}
