package io.outrigger.bench.harness;

import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.Objects;

/**
 * What a run measured during its measured period (warm-up excluded).
 *
 * @param spec             what was run
 * @param corrected        latency from each request's intended send time (open loop), which
 *                         includes the time a request waited because the connection was busy; in a
 *                         closed loop it equals {@code uncorrected}
 * @param uncorrected      latency from the actual send time, as a naive tool would report it
 * @param completed        requests that completed with a 2xx status (or a full echo)
 * @param errors           failed, reset or abandoned requests, and failed reconnects
 * @param bytesSent        request bytes written (HTTP: whole request for HTTP/1.1, body for h2c)
 * @param bytesReceived    response body bytes (HTTP) or echoed bytes (TCP)
 * @param measuredSeconds  length of the measured period
 */
public record LoadResult(LoadSpec spec, Histogram corrected, Histogram uncorrected, long completed, long errors,
                         long bytesSent, long bytesReceived, double measuredSeconds) {

    public LoadResult {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(corrected, "corrected");
        Objects.requireNonNull(uncorrected, "uncorrected");
    }

    /** Completed requests per second over the measured period. */
    public double achievedRate() {
        return completed / measuredSeconds;
    }

    /** Received bytes per second over the measured period. */
    public double receivedBytesPerSecond() {
        return bytesReceived / measuredSeconds;
    }

    public LatencySummary latency() {
        return LatencySummary.of(corrected);
    }

    public LatencySummary uncorrectedLatency() {
        return LatencySummary.of(uncorrected);
    }

    /** A human-readable block like wrk2's summary. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s %s, %d connection(s)%s, %s, payload %d B, %.1f s measured%n",
                spec.protocol().label(), spec.target().getHostString() + ":" + spec.target().getPort(),
                spec.connections(), spec.streams() > 1 ? " x " + spec.streams() + " streams" : "",
                spec.openLoop() ? String.format(Locale.ROOT, "open loop at %.0f/s", spec.rate()) : "closed loop",
                spec.payloadBytes(), measuredSeconds));
        if (spec.protocol() != Protocol.TCP_BULK) {
            LatencySummary l = latency();
            sb.append(String.format(Locale.ROOT,
                    "  latency ms%s: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f%n",
                    spec.openLoop() ? " (from intended send time)" : "",
                    l.p50(), l.p90(), l.p99(), l.p999(), l.max(), l.mean()));
            if (spec.openLoop()) {
                LatencySummary u = uncorrectedLatency();
                sb.append(String.format(Locale.ROOT,
                        "  uncorrected ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                        u.p50(), u.p90(), u.p99(), u.p999(), u.max()));
            }
            sb.append(String.format(Locale.ROOT, "  requests %d, achieved %.1f/s, errors %d%n",
                    completed, achievedRate(), errors));
        } else {
            sb.append(String.format(Locale.ROOT, "  errors %d%n", errors));
        }
        sb.append(String.format(Locale.ROOT, "  bytes sent %d, received %d (%.2f MB/s received)%n",
                bytesSent, bytesReceived, receivedBytesPerSecond() / 1e6));
        return sb.toString();
    }
}
