package io.outrigger.bench.harness;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The scenarios the side-by-side runner knows. Adding one is one entry here: the load, and which
 * subjects carry it in which mode. HTTP/2 and mTLS scenarios join when the proxy supports them.
 */
public final class Scenarios {

    private Scenarios() {
    }

    /** Replaced per subject by the address the subject listens on. */
    static final InetSocketAddress PLACEHOLDER = InetSocketAddress.createUnresolved("subject", 1);

    private static final Duration DURATION = Duration.ofSeconds(10);
    private static final Duration WARMUP = Duration.ofSeconds(2);

    private static final Map<SubjectKind, ProxyMode> ALL_TCP = Map.of(
            SubjectKind.DIRECT, ProxyMode.TCP, SubjectKind.OUTRIGGER, ProxyMode.TCP,
            SubjectKind.HAPROXY, ProxyMode.TCP, SubjectKind.NGINX, ProxyMode.TCP);

    /** What {@code --baseline} runs: every scenario Outrigger takes part in, to stay under five minutes. */
    public static List<Scenario> baseline() {
        return all().stream().filter(s -> s.modes().containsKey(SubjectKind.OUTRIGGER)).toList();
    }

    public static List<Scenario> all() {
        return List.of(
                new Scenario("tcp-bulk", "TCP bulk throughput (4 connections, 64 KiB writes, echoed)",
                        spec(Protocol.TCP_BULK, 4, 0, 64 * 1024), ALL_TCP, Map.of()),
                new Scenario("tcp-rr-1k-closed", "TCP request/response 1 KiB, closed loop, 16 connections",
                        spec(Protocol.TCP_RR, 16, 0, 1024), ALL_TCP, Map.of()),
                new Scenario("tcp-rr-1k-open", "TCP request/response 1 KiB, open loop 1,000 req/s, 16 connections",
                        spec(Protocol.TCP_RR, 16, 1000, 1024), ALL_TCP, Map.of()),
                new Scenario("http1-small", "HTTP/1.1 small requests (GET, 2-byte body), closed loop, 16 connections",
                        spec(Protocol.HTTP1, 16, 0, 0),
                        Map.of(SubjectKind.DIRECT, ProxyMode.HTTP, SubjectKind.OUTRIGGER, ProxyMode.TCP,
                                SubjectKind.HAPROXY, ProxyMode.HTTP, SubjectKind.NGINX, ProxyMode.HTTP),
                        Map.of(SubjectKind.OUTRIGGER, "TCP proxy: HTTP proxying not yet available")),
                new Scenario("h2c-small", "HTTP/2 (h2c) small requests, closed loop, 4 connections x 16 streams",
                        spec(Protocol.H2C, 4, 0, 0).withStreams(16),
                        Map.of(SubjectKind.DIRECT, ProxyMode.HTTP2, SubjectKind.OUTRIGGER, ProxyMode.TCP,
                                SubjectKind.HAPROXY, ProxyMode.HTTP2, SubjectKind.NGINX, ProxyMode.HTTP2),
                        Map.of(SubjectKind.OUTRIGGER, "TCP proxy: HTTP proxying not yet available",
                                SubjectKind.NGINX, "HTTP/1.1 to the backend")),
                new Scenario("tcp-rr-1k-mtls", "TCP request/response 1 KiB through mutual TLS termination (inbound sidecar),"
                        + " closed loop, 16 connections",
                        spec(Protocol.TCP_RR, 16, 0, 1024),
                        // Outrigger joins when its listeners terminate TLS (DownstreamTlsContext).
                        Map.of(SubjectKind.DIRECT, ProxyMode.TCP_MTLS, SubjectKind.HAPROXY, ProxyMode.TCP_MTLS,
                                SubjectKind.NGINX, ProxyMode.TCP_MTLS),
                        Map.of(SubjectKind.DIRECT, "mTLS to a TLS backend")));
    }

    public static Scenario byId(String id) {
        for (Scenario s : all()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("scenario: " + id + " (expected one of: "
                + String.join(", ", all().stream().map(Scenario::id).toList()) + ")");
    }

    private static LoadSpec spec(Protocol p, int connections, double rate, int payload) {
        return new LoadSpec(p, PLACEHOLDER, connections, rate, payload, 1, DURATION, WARMUP, "/", "backend", null);
    }
}
