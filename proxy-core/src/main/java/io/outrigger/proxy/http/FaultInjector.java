package io.outrigger.proxy.http;

import io.outrigger.xds.snapshot.HttpFilterSpec;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code envoy.filters.http.fault} for one connection manager: per request, decides a delay and an
 * abort (delay first, then abort, as Envoy applies them), honouring {@code max_active_faults}.
 * Header-controlled faults read {@code x-envoy-fault-delay-request} (milliseconds) and
 * {@code x-envoy-fault-abort-request} (HTTP status) / {@code x-envoy-fault-abort-grpc-request}.
 * Thread-safe; the active-fault count is shared by all event loops.
 */
final class FaultInjector {
    static final String DELAY_HEADER = "x-envoy-fault-delay-request";
    static final String ABORT_HEADER = "x-envoy-fault-abort-request";
    static final String ABORT_GRPC_HEADER = "x-envoy-fault-abort-grpc-request";

    private final HttpFilterSpec.Fault spec;
    private final AtomicLong active = new AtomicLong();

    FaultInjector(HttpFilterSpec.Fault spec) {
        this.spec = spec;
    }

    /** A request's faults: a delay in nanoseconds (0 for none), then an HTTP status (0) or gRPC status (-1) to abort with. */
    record Decision(long delayNanos, int abortHttpStatus, int abortGrpcStatus) {
        static final Decision NONE = new Decision(0, 0, -1);

        boolean any() {
            return delayNanos > 0 || abortHttpStatus > 0 || abortGrpcStatus >= 0;
        }
    }

    /**
     * @param delayDraw a uniform value for the delay percentage
     * @param abortDraw a uniform value for the abort percentage
     * @param headers reads request headers (lower-case names), {@code null} when absent
     */
    Decision decide(long delayDraw, long abortDraw, java.util.function.Function<String, String> headers) {
        long delay = 0;
        HttpFilterSpec.Delay d = spec.delay();
        if (d != null && hit(delayDraw, d.perMillion())) {
            if (d.headerControlled()) {
                long ms = parse(headers.apply(DELAY_HEADER));
                delay = ms > 0 ? ms * 1_000_000L : 0;
            } else {
                delay = d.fixedDelay().toNanos();
            }
        }
        int http = 0;
        int grpc = -1;
        HttpFilterSpec.Abort a = spec.abort();
        if (a != null && hit(abortDraw, a.perMillion())) {
            if (a.headerControlled()) {
                long h = parse(headers.apply(ABORT_HEADER));
                long g = parse(headers.apply(ABORT_GRPC_HEADER));
                if (h >= 200 && h <= 599) {
                    http = (int) h;
                } else if (g >= 0 && g <= 16) {
                    grpc = (int) g;
                }
            } else if (a.httpStatus() > 0) {
                http = a.httpStatus();
            } else {
                grpc = a.grpcStatus();
            }
        }
        if (delay == 0 && http == 0 && grpc < 0) {
            return Decision.NONE;
        }
        return new Decision(delay, http, grpc);
    }

    /** Reserves an active fault; false when {@code max_active_faults} are already running. */
    boolean tryStart() {
        long max = spec.maxActiveFaults();
        if (max < 0) {
            active.incrementAndGet();
            return true;
        }
        long v;
        do {
            v = active.get();
            if (v >= max) {
                return false;
            }
        } while (!active.compareAndSet(v, v + 1));
        return true;
    }

    void finished() {
        active.decrementAndGet();
    }

    private static boolean hit(long draw, int perMillion) {
        return perMillion > 0 && Long.remainderUnsigned(draw, 1_000_000) < perMillion;
    }

    private static long parse(String v) {
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
