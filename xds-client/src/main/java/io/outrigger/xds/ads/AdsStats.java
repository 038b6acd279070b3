package io.outrigger.xds.ads;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The ADS client's counters, as plain numbers that proxy-core binds to its meters. Written on the
 * xDS thread, readable from any thread.
 *
 * <p>Names follow Envoy: {@code control_plane.connected_state} (a gauge, 1 while a stream is up),
 * and per type {@code <prefix>.update_attempt}, {@code update_success}, {@code update_rejected},
 * {@code init_fetch_timeout} (counters) and {@code update_duration_last_us} (a gauge) with the prefixes {@code listener_manager.lds}, {@code cluster_manager.cds},
 * {@code cluster_manager.eds}, {@code http.rds} and {@code sds}. Envoy counts EDS, RDS and SDS per
 * resource; here they are totals per type.
 */
public final class AdsStats {
    /** The counters kept per resource type. */
    public enum Counter {
        UPDATE_ATTEMPT("update_attempt"),
        UPDATE_SUCCESS("update_success"),
        UPDATE_REJECTED("update_rejected"),
        INIT_FETCH_TIMEOUT("init_fetch_timeout");

        private final String statName;

        Counter(String statName) {
            this.statName = statName;
        }

        /** E.g. {@code update_attempt}. */
        public String statName() {
            return statName;
        }
    }

    private final AtomicLong connectedState = new AtomicLong();
    private final Map<XdsResourceType, AtomicLong> lastUpdateNanos = new EnumMap<>(XdsResourceType.class);
    private final Map<XdsResourceType, AtomicLong[]> counters = new EnumMap<>(XdsResourceType.class);

    AdsStats() {
        for (XdsResourceType t : XdsResourceType.values()) {
            AtomicLong[] a = new AtomicLong[Counter.values().length];
            for (int i = 0; i < a.length; i++) {
                a[i] = new AtomicLong();
            }
            counters.put(t, a);
            lastUpdateNanos.put(t, new AtomicLong());
        }
    }

    /** 1 while an ADS stream to the control plane is established, else 0. */
    public long connectedState() {
        return connectedState.get();
    }

    /** The current value of a counter. */
    public long get(XdsResourceType type, Counter counter) {
        return counters.get(type)[counter.ordinal()].get();
    }

    /**
     * How long the last response of a type took on the xDS thread, from taking it in (already parsed by
     * gRPC) to the snapshot handed to the listener: decoding, validation, warming and assembly.
     */
    public java.time.Duration lastUpdateDuration(XdsResourceType type) {
        return java.time.Duration.ofNanos(lastUpdateNanos.get(type).get());
    }

    /** Every statistic by its Envoy-style name, as suppliers to bind once. */
    public Map<String, LongSupplier> all() {
        Map<String, LongSupplier> m = new LinkedHashMap<>();
        m.put("control_plane.connected_state", connectedState::get);
        for (XdsResourceType t : XdsResourceType.values()) {
            for (Counter c : Counter.values()) {
                AtomicLong v = counters.get(t)[c.ordinal()];
                m.put(prefix(t) + "." + c.statName(), v::get);
            }
            AtomicLong d = lastUpdateNanos.get(t);
            m.put(prefix(t) + ".update_duration_last_us", () -> d.get() / 1000);
        }
        return m;
    }

    /** The Envoy stat prefix of a type, e.g. {@code cluster_manager.cds}. */
    public static String prefix(XdsResourceType type) {
        return switch (type) {
            case LISTENER -> "listener_manager.lds";
            case CLUSTER -> "cluster_manager.cds";
            case CLUSTER_LOAD_ASSIGNMENT -> "cluster_manager.eds";
            case ROUTE_CONFIGURATION -> "http.rds";
            case SECRET -> "sds";
        };
    }

    void increment(XdsResourceType type, Counter counter) {
        counters.get(type)[counter.ordinal()].incrementAndGet();
    }

    void updateDuration(XdsResourceType type, long nanos) {
        lastUpdateNanos.get(type).set(nanos);
    }

    void connected(boolean up) {
        connectedState.set(up ? 1 : 0);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        all().forEach((k, v) -> sb.append(k).append(": ").append(v.getAsLong()).append('\n'));
        return sb.toString();
    }
}
