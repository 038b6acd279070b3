package io.outrigger.lb;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Envoy's {@code core.v3.HealthCheck} for the TCP (connect-only) and HTTP GET probes.
 *
 * @param interval time between probes of one host
 * @param timeout a probe that takes longer fails
 * @param unhealthyThreshold consecutive failures that fail a healthy host
 * @param healthyThreshold consecutive successes that pass a failed host (a new host needs one)
 * @param intervalJitter up to this much random extra wait per round ({@code interval_jitter})
 * @param probe what to check
 */
public record HealthCheckConfig(Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold,
                                Duration intervalJitter, Probe probe) {

    public HealthCheckConfig {
        positive("interval", interval);
        positive("timeout", timeout);
        Objects.requireNonNull(intervalJitter, "intervalJitter");
        if (intervalJitter.isNegative()) {
            throw new IllegalArgumentException("intervalJitter: " + intervalJitter + " (expected: >= 0)");
        }
        if (unhealthyThreshold < 1) {
            throw new IllegalArgumentException("unhealthyThreshold: " + unhealthyThreshold + " (expected: >= 1)");
        }
        if (healthyThreshold < 1) {
            throw new IllegalArgumentException("healthyThreshold: " + healthyThreshold + " (expected: >= 1)");
        }
        Objects.requireNonNull(probe, "probe");
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }

    /** What a health check does. */
    public sealed interface Probe permits TcpProbe, HttpProbe {
    }

    /**
     * Envoy's {@code tcp_health_check}: connect, write {@code send} if not empty, then pass once
     * every block of {@code receive} has been read in order (Envoy's "fuzzy" match: blocks in order,
     * not necessarily contiguous). With neither, a successful connect passes.
     */
    public record TcpProbe(byte[] send, List<byte[]> receive) implements Probe {
        public TcpProbe {
            send = Objects.requireNonNull(send, "send").clone();
            receive = Objects.requireNonNull(receive, "receive").stream().map(byte[]::clone).toList();
        }

        /** Connect-only. */
        public TcpProbe() {
            this(new byte[0], List.of());
        }

        @Override
        public byte[] send() {
            return send.clone();
        }

        @Override
        public List<byte[]> receive() {
            return receive.stream().map(byte[]::clone).toList();
        }

        // Value equality over the bytes, so an identical config update compares equal.
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof TcpProbe other) || !java.util.Arrays.equals(send, other.send)
                    || receive.size() != other.receive.size()) {
                return false;
            }
            for (int i = 0; i < receive.size(); i++) {
                if (!java.util.Arrays.equals(receive.get(i), other.receive.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = java.util.Arrays.hashCode(send);
            for (byte[] b : receive) {
                h = 31 * h + java.util.Arrays.hashCode(b);
            }
            return h;
        }

        @Override
        public String toString() {
            return "TcpProbe[send=" + send.length + " bytes, receive=" + receive.size() + " blocks]";
        }

        boolean expectsReply() {
            return !receive.isEmpty();
        }

        /** Whether {@code data} contains the receive blocks in order. */
        boolean matches(byte[] data, int length) {
            int from = 0;
            for (byte[] block : receive) {
                int at = indexOf(data, length, block, from);
                if (at < 0) {
                    return false;
                }
                from = at + block.length;
            }
            return true;
        }

        private static int indexOf(byte[] data, int length, byte[] block, int from) {
            outer:
            for (int i = from; i + block.length <= length; i++) {
                for (int j = 0; j < block.length; j++) {
                    if (data[i + j] != block[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    /**
     * Envoy's {@code http_health_check}: GET {@code path} over HTTP/1.1; passes when the status is
     * in one of {@code expectedStatuses}, half-open ranges {@code [start, end)} (default: 200 only).
     */
    public record HttpProbe(String path, List<StatusRange> expectedStatuses) implements Probe {
        public HttpProbe {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path: " + path + " (expected: starting with '/')");
            }
            expectedStatuses = expectedStatuses.isEmpty() ? List.of(new StatusRange(200, 201))
                    : List.copyOf(expectedStatuses);
        }

        public static HttpProbe of(String path) {
            return new HttpProbe(path, List.of());
        }

        boolean expected(int status) {
            for (StatusRange r : expectedStatuses) {
                if (status >= r.start() && status < r.end()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A half-open range of HTTP statuses, Envoy's {@code type.v3.Int64Range}. */
    public record StatusRange(int start, int end) {
        public StatusRange {
            if (start < 100 || end > 600 || start >= end) {
                throw new IllegalArgumentException("StatusRange: [" + start + ", " + end + ") (expected: 100 <= start < end <= 600)");
            }
        }
    }
}
