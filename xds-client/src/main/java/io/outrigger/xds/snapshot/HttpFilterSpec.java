package io.outrigger.xds.snapshot;

import java.time.Duration;
import java.util.Objects;

/** An HTTP filter of a connection manager. Sealed: the data path handles every kind. */
public sealed interface HttpFilterSpec {
    /** The filter's name as written in the config. */
    String name();

    /** {@code envoy.filters.http.router}: the terminal filter that forwards to the route's cluster. */
    record Router(String name) implements HttpFilterSpec {
        public Router {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * {@code envoy.filters.http.fault}.
     *
     * @param delay the delay fault, or {@code null}
     * @param abort the abort fault, or {@code null}
     * @param maxActiveFaults {@code max_active_faults}, or -1 for no limit
     */
    record Fault(String name, Delay delay, Abort abort, long maxActiveFaults) implements HttpFilterSpec {
        public Fault {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * {@code fault.v3.FaultDelay}.
     *
     * @param fixedDelay the delay, or {@code null} when the {@code x-envoy-fault-delay-request}
     *                   header controls it
     * @param perMillion share of requests delayed, in parts per million
     */
    record Delay(Duration fixedDelay, int perMillion) {
        public Delay {
            checkPerMillion(perMillion);
        }

        public boolean headerControlled() {
            return fixedDelay == null;
        }
    }

    /**
     * {@code fault.v3.FaultAbort}. Exactly one of httpStatus (> 0), grpcStatus (>= 0) or header control.
     *
     * @param httpStatus the status, or 0
     * @param grpcStatus the gRPC status, or -1
     * @param headerControlled whether {@code x-envoy-fault-abort-request} (or {@code -grpc-request}) decides
     * @param perMillion share of requests aborted, in parts per million
     */
    record Abort(int httpStatus, int grpcStatus, boolean headerControlled, int perMillion) {
        public Abort {
            checkPerMillion(perMillion);
            if (httpStatus != 0 && (httpStatus < 200 || httpStatus > 599)) {
                throw new IllegalArgumentException("httpStatus: " + httpStatus + " (expected: 200-599)");
            }
        }
    }

    private static void checkPerMillion(int perMillion) {
        if (perMillion < 0 || perMillion > 1_000_000) {
            throw new IllegalArgumentException("perMillion: " + perMillion + " (expected: 0-1000000)");
        }
    }
}
