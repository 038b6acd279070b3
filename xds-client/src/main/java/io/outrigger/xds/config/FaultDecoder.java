package io.outrigger.xds.config;

import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.outrigger.xds.snapshot.HttpFilterSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** {@code envoy.filters.http.fault}: delays and aborts by percentage, or as request headers ask. */
final class FaultDecoder {
    private FaultDecoder() {
    }

    static HttpFilterSpec.Fault decode(String name, HTTPFault f, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(f, path, problems, Set.of("delay", "abort", "max_active_faults"), Map.of(
                "disable_downstream_cluster_stats", "fault stats are not kept per downstream cluster"));
        HttpFilterSpec.Delay delay = null;
        if (f.hasDelay()) {
            String dp = Problems.path(path, "delay");
            var d = f.getDelay();
            Supported.check(d, dp, problems, Set.of("fixed_delay", "header_delay", "percentage"));
            int pm = perMillion(d.getPercentage(), Problems.path(dp, "percentage"), problems);
            switch (d.getFaultDelaySecifierCase()) {
                case FIXED_DELAY -> {
                    Duration fixed = Supported.duration(d.getFixedDelay(), Problems.path(dp, "fixed_delay"), problems, true);
                    if (fixed != null) {
                        delay = new HttpFilterSpec.Delay(fixed, pm);
                    }
                }
                case HEADER_DELAY -> delay = new HttpFilterSpec.Delay(null, pm);
                default -> problems.error(dp, "no delay (expected: fixed_delay, or header_delay: {})");
            }
        }
        HttpFilterSpec.Abort abort = null;
        if (f.hasAbort()) {
            String ap = Problems.path(path, "abort");
            var a = f.getAbort();
            Supported.check(a, ap, problems, Set.of("http_status", "grpc_status", "header_abort", "percentage"));
            int pm = perMillion(a.getPercentage(), Problems.path(ap, "percentage"), problems);
            switch (a.getErrorTypeCase()) {
                case HTTP_STATUS -> {
                    if (a.getHttpStatus() < 200 || a.getHttpStatus() > 599) {
                        problems.error(Problems.path(ap, "http_status"), a.getHttpStatus() + " (expected: 200-599)");
                    } else {
                        abort = new HttpFilterSpec.Abort(a.getHttpStatus(), -1, false, pm);
                    }
                }
                case GRPC_STATUS -> abort = new HttpFilterSpec.Abort(0, a.getGrpcStatus(), false, pm);
                case HEADER_ABORT -> abort = new HttpFilterSpec.Abort(0, -1, true, pm);
                default -> problems.error(ap, "no error type (expected: http_status, grpc_status, or header_abort: {})");
            }
        }
        long maxActive = f.hasMaxActiveFaults() ? Integer.toUnsignedLong(f.getMaxActiveFaults().getValue()) : -1;
        if (problems.errorCount() > before) {
            return null;
        }
        return new HttpFilterSpec.Fault(name, delay, abort, maxActive);
    }

    /** A {@code FractionalPercent} in parts per million; Envoy caps numerators above the denominator at 100%. */
    static int perMillion(FractionalPercent p, String path, Problems problems) {
        long n = Integer.toUnsignedLong(p.getNumerator());
        long scale = switch (p.getDenominator()) {
            case HUNDRED -> 10_000;
            case TEN_THOUSAND -> 100;
            case MILLION -> 1;
            case UNRECOGNIZED -> {
                problems.error(Problems.path(path, "denominator"), p.getDenominatorValue() + " (expected: HUNDRED, TEN_THOUSAND or MILLION)");
                yield 1;
            }
        };
        return (int) Math.min(1_000_000, n * scale);
    }
}
