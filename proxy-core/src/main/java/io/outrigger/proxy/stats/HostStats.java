package io.outrigger.proxy.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's per-host stats as {@code /clusters} shows them. Like Envoy, they are not exported to
 * Prometheus (per-host series would explode cardinality). A host keeps its stats across
 * membership updates that keep the host.
 */
public record HostStats(LongAdder cxActive, LongAdder cxTotal, LongAdder cxConnectFail, LongAdder rqActive,
                        LongAdder rqTotal) {
    public static HostStats create() {
        return new HostStats(new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder());
    }
}
