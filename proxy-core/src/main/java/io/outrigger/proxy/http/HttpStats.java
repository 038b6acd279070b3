package io.outrigger.proxy.http;

import io.outrigger.proxy.stats.Stats;
import java.util.concurrent.atomic.LongAdder;

/** Envoy's {@code http.<stat_prefix>.*} stats of one connection manager, bound once. */
record HttpStats(LongAdder downstreamCxTotal, LongAdder downstreamCxActive, LongAdder downstreamCxHttp1Total,
                 LongAdder downstreamCxHttp2Total, LongAdder downstreamRqTotal, LongAdder downstreamRqActive,
                 LongAdder downstreamRq1xx, LongAdder downstreamRq2xx, LongAdder downstreamRq3xx,
                 LongAdder downstreamRq4xx, LongAdder downstreamRq5xx, LongAdder downstreamRqTimeout,
                 LongAdder downstreamRqHeadersTimeout, LongAdder noRoute, LongAdder rqDirectResponse,
                 LongAdder rqRedirect, LongAdder faultAbortsInjected, LongAdder faultDelaysInjected,
                 LongAdder faultActiveOverflow, LongAdder downstreamCxProtocolError) {
    static HttpStats bind(Stats stats, String statPrefix) {
        Stats.Scope s = new Stats.Scope("http", "envoy_http_conn_manager_prefix", statPrefix);
        return new HttpStats(stats.counter(s, "downstream_cx_total"), stats.gauge(s, "downstream_cx_active"),
                stats.counter(s, "downstream_cx_http1_total"), stats.counter(s, "downstream_cx_http2_total"),
                stats.counter(s, "downstream_rq_total"), stats.gauge(s, "downstream_rq_active"),
                stats.counter(s, "downstream_rq_1xx"), stats.counter(s, "downstream_rq_2xx"),
                stats.counter(s, "downstream_rq_3xx"), stats.counter(s, "downstream_rq_4xx"),
                stats.counter(s, "downstream_rq_5xx"), stats.counter(s, "downstream_rq_timeout"),
                stats.counter(s, "downstream_rq_header_timeout"), stats.counter(s, "no_route"),
                stats.counter(s, "rq_direct_response"), stats.counter(s, "rq_redirect"),
                stats.counter(s, "fault.aborts_injected"), stats.counter(s, "fault.delays_injected"),
                stats.counter(s, "fault.faults_overflow"), stats.counter(s, "downstream_cx_protocol_error"));
    }

    void responseCode(int code) {
        switch (code / 100) {
            case 1 -> downstreamRq1xx.increment();
            case 2 -> downstreamRq2xx.increment();
            case 3 -> downstreamRq3xx.increment();
            case 4 -> downstreamRq4xx.increment();
            case 5 -> downstreamRq5xx.increment();
            default -> {
            }
        }
    }
}
