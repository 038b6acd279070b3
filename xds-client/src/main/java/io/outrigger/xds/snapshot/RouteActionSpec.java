package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What a route does: forward to a cluster, redirect, or answer directly. */
public sealed interface RouteActionSpec {
    /** Envoy's default route {@code timeout}. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    /**
     * {@code route}: forward upstream.
     *
     * @param clusters {@code cluster} (one entry of weight 1) or {@code weighted_clusters}; empty with a cluster header
     * @param clusterHeader {@code cluster_header}, or {@code null}
     * @param prefixRewrite {@code prefix_rewrite}, or {@code null}
     * @param hostRewriteLiteral {@code host_rewrite_literal}, or {@code null}
     * @param timeout {@code timeout} (default 15 s; zero disables)
     * @param idleTimeout {@code idle_timeout}, or {@code null} for the connection manager's stream idle timeout
     * @param retryPolicy the route's (or else its virtual host's) retry policy, or {@code null}
     * @param maxGrpcTimeout {@code max_stream_duration.grpc_timeout_header_max} (or the legacy
     *                       {@code max_grpc_timeout}): when set, {@code grpc-timeout} is honoured
     *                       capped by it (zero: uncapped); {@code null} ignores the header
     */
    record Forward(List<WeightedClusterSpec> clusters, String clusterHeader, String prefixRewrite,
                   String hostRewriteLiteral, Duration timeout, Duration idleTimeout, RetryPolicySpec retryPolicy,
                   Duration maxGrpcTimeout) implements RouteActionSpec {
        public Forward {
            clusters = List.copyOf(clusters);
            if (clusters.isEmpty() == (clusterHeader == null)) {
                throw new IllegalArgumentException("clusters/clusterHeader: expected exactly one of them");
            }
            Objects.requireNonNull(timeout, "timeout");
        }

        public static Forward cluster(String name) {
            return new Forward(List.of(new WeightedClusterSpec(name, 1)), null, null, null, DEFAULT_TIMEOUT, null,
                    null, null);
        }

        public Forward withTimeout(Duration t) {
            return new Forward(clusters, clusterHeader, prefixRewrite, hostRewriteLiteral, t, idleTimeout, retryPolicy,
                    maxGrpcTimeout);
        }

        public Forward withRetryPolicy(RetryPolicySpec r) {
            return new Forward(clusters, clusterHeader, prefixRewrite, hostRewriteLiteral, timeout, idleTimeout, r,
                    maxGrpcTimeout);
        }
    }

    /**
     * {@code redirect}. Null fields keep the request's value.
     *
     * @param port 0 keeps the port of the request's authority
     * @param responseCode 301, 302, 303, 307 or 308
     */
    record Redirect(String scheme, String host, int port, String path, String prefixRewrite, int responseCode,
                    boolean stripQuery) implements RouteActionSpec {
    }

    /** {@code direct_response}: status and optional inline body ({@code null} for none). */
    record DirectResponse(int status, String body) implements RouteActionSpec {
        public DirectResponse {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status: " + status + " (expected: 200-599)");
            }
        }
    }
}
