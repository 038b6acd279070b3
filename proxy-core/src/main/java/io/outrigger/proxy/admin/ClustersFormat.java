package io.outrigger.proxy.admin;

import io.outrigger.lb.HealthStatus;
import io.outrigger.lb.Host;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.proxy.cluster.UpstreamHost;
import io.outrigger.proxy.stats.HostStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envoy's {@code /clusters} output: the text form ({@code cluster::host:port::stat::value}) that
 * operators grep, and the {@code ?format=json} form ({@code cluster_statuses}).
 */
final class ClustersFormat {
    private ClustersFormat() {
    }

    static String text(Collection<ClusterRuntime> clusters) {
        StringBuilder sb = new StringBuilder();
        for (ClusterRuntime c : clusters) {
            String n = c.name();
            line(sb, n, "observability_name", n);
            // Only bootstrap (static_resources) clusters exist so far; xDS clusters will say true.
            line(sb, n, "added_via_api", "false");
            for (UpstreamHost u : c.hosts()) {
                String p = n + "::" + u.host().authority();
                HostStats s = u.stats();
                line(sb, p, "cx_active", s.cxActive().sum());
                line(sb, p, "cx_connect_fail", s.cxConnectFail().sum());
                line(sb, p, "cx_total", s.cxTotal().sum());
                line(sb, p, "rq_active", s.rqActive().sum());
                line(sb, p, "rq_error", 0);
                line(sb, p, "rq_success", 0);
                line(sb, p, "rq_timeout", 0);
                line(sb, p, "rq_total", s.rqTotal().sum());
                line(sb, p, "hostname", "");
                line(sb, p, "health_flags", healthFlags(u.host().health()));
                line(sb, p, "weight", u.host().weight());
                line(sb, p, "region", u.host().locality().region());
                line(sb, p, "zone", u.host().locality().zone());
                line(sb, p, "sub_zone", u.host().locality().subZone());
                line(sb, p, "canary", "false");
                line(sb, p, "priority", u.host().priority());
                line(sb, p, "success_rate", "-1");
                line(sb, p, "local_origin_success_rate", "-1");
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String prefix, String key, Object value) {
        sb.append(prefix).append("::").append(key).append("::").append(value).append('\n');
    }

    /** Envoy's health_flags: "healthy", or the reasons a host is not, e.g. "/failed_eds_health". */
    static String healthFlags(HealthStatus health) {
        return switch (health) {
            case HEALTHY, UNKNOWN -> "healthy";
            case UNHEALTHY, TIMEOUT -> "/failed_eds_health";
            case DRAINING -> "/eds_status_draining";
            case DEGRADED -> "/degraded_eds_health";
        };
    }

    static Map<String, Object> json(Collection<ClusterRuntime> clusters) {
        List<Object> statuses = new ArrayList<>();
        for (ClusterRuntime c : clusters) {
            Map<String, Object> cluster = new LinkedHashMap<>();
            cluster.put("name", c.name());
            cluster.put("observability_name", c.name());
            List<Object> hosts = new ArrayList<>();
            for (UpstreamHost u : c.hosts()) {
                Host h = u.host();
                Map<String, Object> host = new LinkedHashMap<>();
                host.put("address", Map.of("socket_address", Map.of("address", h.address(), "port_value", h.port())));
                List<Object> stats = new ArrayList<>();
                stats.add(counter("cx_connect_fail", u.stats().cxConnectFail().sum()));
                stats.add(counter("cx_total", u.stats().cxTotal().sum()));
                stats.add(counter("rq_error", 0));
                stats.add(counter("rq_success", 0));
                stats.add(counter("rq_timeout", 0));
                stats.add(counter("rq_total", u.stats().rqTotal().sum()));
                stats.add(gauge("cx_active", u.stats().cxActive().sum()));
                stats.add(gauge("rq_active", u.stats().rqActive().sum()));
                host.put("stats", stats);
                host.put("health_status", Map.of("eds_health_status", h.health().name()));
                host.put("weight", h.weight());
                Map<String, Object> locality = new LinkedHashMap<>();
                if (!h.locality().region().isEmpty()) {
                    locality.put("region", h.locality().region());
                }
                if (!h.locality().zone().isEmpty()) {
                    locality.put("zone", h.locality().zone());
                }
                if (!h.locality().subZone().isEmpty()) {
                    locality.put("sub_zone", h.locality().subZone());
                }
                host.put("locality", locality);
                host.put("priority", h.priority());
                hosts.add(host);
            }
            cluster.put("host_statuses", hosts);
            statuses.add(cluster);
        }
        return Map.of("cluster_statuses", statuses);
    }

    // Envoy's JSON renders uint64 stat values as strings (proto3 JSON mapping).
    private static Map<String, Object> counter(String name, long value) {
        return Map.of("name", name, "value", String.valueOf(value));
    }

    private static Map<String, Object> gauge(String name, long value) {
        return Map.of("type", "GAUGE", "name", name, "value", String.valueOf(value));
    }
}
