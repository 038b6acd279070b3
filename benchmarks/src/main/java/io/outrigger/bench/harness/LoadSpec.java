package io.outrigger.bench.harness;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One load run: what to send, where, how hard and for how long.
 *
 * @param protocol         what to speak
 * @param target           where to connect
 * @param connections      number of connections, each paced independently
 * @param rate             total requests per second across all connections (open loop), or 0 for a
 *                         closed loop that sends the next request as soon as the previous one completes
 * @param payloadBytes     request body (HTTP), or the echoed message (TCP request/response), or the
 *                         write chunk (TCP bulk)
 * @param streams          requests in flight per connection: 1 for HTTP/1.1 and TCP request/response
 *                         (no pipelining), up to this many multiplexed streams for h2c
 * @param duration         the measured period
 * @param warmup           a period before it whose results are discarded
 * @param path             the HTTP request path (ignored for TCP)
 * @param authority        the HTTP Host / :authority (ignored for TCP)
 * @param tls              the identity to present for mutual TLS, or null for cleartext
 */
public record LoadSpec(
        Protocol protocol,
        InetSocketAddress target,
        int connections,
        double rate,
        int payloadBytes,
        int streams,
        Duration duration,
        Duration warmup,
        String path,
        String authority,
        TlsFiles tls) {

    /** Largest payload we accept: bigger messages say nothing more about a proxy's request path. */
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    public LoadSpec {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(authority, "authority");
        if (connections < 1) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: >= 1)");
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: >= 0, 0 means closed loop)");
        }
        if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payloadBytes: " + payloadBytes + " (expected: 0.." + MAX_PAYLOAD + ")");
        }
        if ((protocol == Protocol.TCP_RR || protocol == Protocol.TCP_BULK) && payloadBytes < 1) {
            throw new IllegalArgumentException("payloadBytes: " + payloadBytes + " (expected: >= 1 for " + protocol.label() + ")");
        }
        if (streams < 1) {
            throw new IllegalArgumentException("streams: " + streams + " (expected: >= 1)");
        }
        if (streams > 1 && protocol != Protocol.H2C) {
            throw new IllegalArgumentException("streams: " + streams + " (expected: 1 for " + protocol.label()
                    + ", which has one request in flight per connection)");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
        }
        if (protocol == Protocol.TCP_BULK && rate > 0) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: 0, tcp-bulk is always closed loop)");
        }
    }

    /** A closed-loop spec with defaults: 1 stream, 1 s warm-up, path {@code /}. */
    public static LoadSpec of(Protocol protocol, InetSocketAddress target, int connections, double rate,
                              int payloadBytes, Duration duration) {
        return new LoadSpec(protocol, target, connections, rate, payloadBytes, 1, duration, Duration.ofSeconds(1),
                "/", target.getHostString() + ":" + target.getPort(), null);
    }

    public LoadSpec withStreams(int n) {
        return new LoadSpec(protocol, target, connections, rate, payloadBytes, n, duration, warmup, path, authority, tls);
    }

    public LoadSpec withWarmup(Duration w) {
        return new LoadSpec(protocol, target, connections, rate, payloadBytes, streams, duration, w, path, authority, tls);
    }

    public LoadSpec withPath(String p) {
        return new LoadSpec(protocol, target, connections, rate, payloadBytes, streams, duration, warmup, p, authority, tls);
    }

    public LoadSpec withTarget(InetSocketAddress t) {
        return new LoadSpec(protocol, t, connections, rate, payloadBytes, streams, duration, warmup, path,
                t.getHostString() + ":" + t.getPort(), tls);
    }

    /** The same load over mutual TLS with {@code files} as the client identity (null: cleartext). */
    public LoadSpec withTls(TlsFiles files) {
        return new LoadSpec(protocol, target, connections, rate, payloadBytes, streams, duration, warmup, path, authority,
                files);
    }

    public boolean openLoop() {
        return rate > 0;
    }
}
