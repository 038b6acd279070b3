package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * How a cluster's HTTP traffic is carried and protected: the upstream protocol
 * ({@code typed_extension_protocol_options} {@code envoy.extensions.upstreams.http.v3.HttpProtocolOptions},
 * or the legacy {@code http2_protocol_options}), {@code circuit_breakers} and {@code outlier_detection}.
 *
 * @param maxRequestsPerConnection 0 for no limit
 * @param idleTimeout an upstream connection idle this long is closed (default 1 h; zero disables)
 * @param maxConcurrentStreams HTTP/2 streams per upstream connection (default 2^31-1)
 * @param outlierDetection the cluster's {@code outlier_detection}, or {@code null} when unset
 */
public record UpstreamHttpSpec(Protocol protocol, long maxRequestsPerConnection, Duration idleTimeout,
                               long maxConcurrentStreams, CircuitBreakersSpec circuitBreakers,
                               OutlierDetectionSpec outlierDetection) {
    /** The upstream protocol. */
    public enum Protocol { HTTP1, HTTP2, USE_DOWNSTREAM }

    public static final UpstreamHttpSpec DEFAULTS = new UpstreamHttpSpec(Protocol.HTTP1, 0, Duration.ofHours(1),
            Integer.MAX_VALUE, CircuitBreakersSpec.DEFAULTS, null);

    public UpstreamHttpSpec {
        Objects.requireNonNull(protocol, "protocol");
        if (maxRequestsPerConnection < 0) {
            throw new IllegalArgumentException("maxRequestsPerConnection: " + maxRequestsPerConnection + " (expected: >= 0)");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams + " (expected: >= 1)");
        }
        Objects.requireNonNull(circuitBreakers, "circuitBreakers");
    }

    public UpstreamHttpSpec withProtocol(Protocol p) {
        return new UpstreamHttpSpec(p, maxRequestsPerConnection, idleTimeout, maxConcurrentStreams, circuitBreakers,
                outlierDetection);
    }

    public UpstreamHttpSpec withCircuitBreakers(CircuitBreakersSpec c) {
        return new UpstreamHttpSpec(protocol, maxRequestsPerConnection, idleTimeout, maxConcurrentStreams, c,
                outlierDetection);
    }

    public UpstreamHttpSpec withOutlierDetection(OutlierDetectionSpec o) {
        return new UpstreamHttpSpec(protocol, maxRequestsPerConnection, idleTimeout, maxConcurrentStreams,
                circuitBreakers, o);
    }
}
