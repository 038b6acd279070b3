package io.outrigger.proxy.xds;

import io.outrigger.proxy.stats.Stats;
import io.outrigger.xds.ads.AdsStats;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Binds the ADS client's counters into the proxy's stats once, under Envoy's names:
 * {@code control_plane.connected_state} ({@code envoy_control_plane_connected_state}) and, per
 * type, {@code listener_manager.lds.*} and {@code cluster_manager.cds.*} ({@code update_attempt},
 * {@code update_success}, {@code update_rejected}, {@code init_fetch_timeout},
 * {@code update_duration_last_us}), e.g. {@code envoy_cluster_manager_cds_update_rejected}. EDS, RDS
 * and SDS are totals under {@code cluster_manager.eds.*}, {@code http.rds.*} and {@code sds.*}
 * (Envoy counts those per resource, under the cluster, route configuration or secret name).
 */
public final class XdsStatsBinding {
    private XdsStatsBinding() {
    }

    /** Binds every statistic of {@code ads}; binding twice does nothing more. */
    public static void bind(Stats stats, AdsStats ads) {
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(ads, "ads");
        for (Map.Entry<String, LongSupplier> e : ads.all().entrySet()) {
            stats.external(e.getKey(), e.getValue());
        }
    }
}
