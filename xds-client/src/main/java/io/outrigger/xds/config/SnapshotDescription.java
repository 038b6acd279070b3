package io.outrigger.xds.config;

import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ConfigSnapshot;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.FilterChainMatchSpec;
import io.outrigger.xds.snapshot.FilterChainSpec;
import io.outrigger.xds.snapshot.ListenerFilterSpec;
import io.outrigger.xds.snapshot.ListenerSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.NetworkFilterSpec;
import io.outrigger.xds.snapshot.TcpProxySpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The text {@code outrigger validate} prints: what would be built, one resource per block. */
final class SnapshotDescription {
    private SnapshotDescription() {
    }

    static String describe(ConfigSnapshot s, List<ConfigProblem> warnings) {
        StringBuilder b = new StringBuilder();
        b.append("bootstrap ").append(s.source()).append(" (version ").append(s.versionInfo()).append(")\n");
        b.append("node id=\"").append(s.node().id()).append("\" cluster=\"").append(s.node().cluster()).append('"');
        if (!s.node().locality().equals(LocalitySpec.EMPTY)) {
            b.append(" locality=").append(locality(s.node().locality()));
        }
        if (!s.node().metadata().isEmpty()) {
            b.append(" metadata keys=").append(s.node().metadata().keySet().stream().sorted().toList());
        }
        b.append('\n');
        b.append("admin ").append(s.admin().address()).append('\n');
        b.append(s.listeners().size()).append(" listener(s)\n");
        for (ListenerSpec l : s.listeners()) {
            b.append("  listener \"").append(l.name()).append("\" ").append(l.address());
            List<String> flags = new ArrayList<>();
            if (!l.bindToPort()) {
                flags.add("bind_to_port=false");
            }
            if (l.useOriginalDst()) {
                flags.add("use_original_dst");
            }
            if (l.transparent()) {
                flags.add("transparent");
            }
            if (!flags.isEmpty()) {
                b.append(' ').append(flags);
            }
            b.append('\n');
            if (!l.listenerFilters().isEmpty()) {
                b.append("    listener filters: ").append(l.listenerFilters().stream()
                        .map(ListenerFilterSpec::kind).map(k -> k.name().toLowerCase(java.util.Locale.ROOT))
                        .collect(Collectors.joining(", "))).append('\n');
            }
            for (FilterChainSpec c : l.filterChains()) {
                chain(b, "filter chain", c);
            }
            if (l.defaultFilterChain() != null) {
                chain(b, "default filter chain", l.defaultFilterChain());
            }
        }
        b.append(s.clusters().size()).append(" cluster(s)\n");
        for (ClusterSpec c : s.clusters()) {
            b.append("  cluster \"").append(c.name()).append("\" ").append(c.type()).append(' ').append(c.lbPolicy())
                    .append(" connect_timeout=").append(duration(c.connectTimeout()));
            if (c.type() == ClusterSpec.DiscoveryType.EDS) {
                b.append(" eds_service_name=\"").append(c.loadAssignment().clusterName()).append("\" (endpoints from EDS)");
            }
            if (c.loadAssignment().overprovisioningFactor() != LoadAssignmentDecoder.DEFAULT_OVERPROVISIONING_FACTOR) {
                b.append(" overprovisioning_factor=").append(c.loadAssignment().overprovisioningFactor());
            }
            if (c.upstreamBind() != null) {
                b.append(" upstream_bind=").append(c.upstreamBind().sourceAddress().address());
                for (var extra : c.upstreamBind().extraSourceAddresses()) {
                    b.append(',').append(extra.address());
                }
            }
            b.append('\n');
            for (LocalityEndpointsSpec l : c.loadAssignment().localities()) {
                b.append("    priority ").append(l.priority()).append(" locality ").append(locality(l.locality()));
                if (l.loadBalancingWeight() > 0) {
                    b.append(" weight=").append(l.loadBalancingWeight());
                }
                b.append(": ");
                b.append(l.endpoints().stream().map(SnapshotDescription::endpoint).collect(Collectors.joining(", ")));
                b.append('\n');
            }
        }
        if (!warnings.isEmpty()) {
            b.append(warnings.size()).append(" warning(s)\n");
            for (ConfigProblem w : warnings) {
                b.append("  ").append(w).append('\n');
            }
        }
        return b.toString();
    }

    private static void chain(StringBuilder b, String kind, FilterChainSpec c) {
        b.append("    ").append(kind);
        if (!c.name().isEmpty()) {
            b.append(" \"").append(c.name()).append('"');
        }
        b.append(" match ").append(match(c.match())).append('\n');
        if (c.tls() != null) {
            b.append("      tls: terminates, client certificate ")
                    .append(c.tls().requireClientCertificate() ? "required" : "not required").append('\n');
        }
        for (NetworkFilterSpec f : c.filters()) {
            switch (f) {
                case io.outrigger.xds.snapshot.RbacSpec r -> b.append("      rbac stat_prefix=").append(r.statPrefix())
                        .append(' ').append(r.action() == null ? "allow all (no rules)" : r.action() + " " + r.policies().size()
                                + " polic" + (r.policies().size() == 1 ? "y" : "ies")).append('\n');
                case TcpProxySpec t -> b.append("      tcp_proxy stat_prefix=").append(t.statPrefix())
                        .append(" -> ").append(t.clusters().stream().map(SnapshotDescription::weighted).collect(Collectors.joining(", ")))
                        .append(" idle_timeout=").append(t.idleTimeout().isZero() ? "disabled" : duration(t.idleTimeout()))
                        .append('\n');
                case io.outrigger.xds.snapshot.HttpConnectionManagerSpec h -> {
                    b.append("      http_connection_manager stat_prefix=").append(h.statPrefix()).append(" codec=").append(h.codecType())
                            .append(" filters=").append(h.httpFilters().stream().map(io.outrigger.xds.snapshot.HttpFilterSpec::name).toList());
                    if (h.routeConfig() == null) {
                        b.append(" rds=\"").append(h.rdsRouteConfigName()).append("\"\n");
                    } else {
                        b.append(" routes \"").append(h.routeConfig().name()).append("\"\n");
                        for (var v : h.routeConfig().virtualHosts()) {
                            b.append("        virtual_host \"").append(v.name()).append("\" domains=").append(v.domains())
                                    .append(" routes=").append(v.routes().size()).append('\n');
                        }
                    }
                }
            }
        }
    }

    private static String weighted(WeightedClusterSpec w) {
        return "\"" + w.name() + "\"" + (w.weight() == 1 ? "" : " (weight " + w.weight() + ")");
    }

    private static String match(FilterChainMatchSpec m) {
        if (m.equals(FilterChainMatchSpec.ANY)) {
            return "any";
        }
        List<String> parts = new ArrayList<>();
        if (m.destinationPort() != null) {
            parts.add("destination_port=" + m.destinationPort());
        }
        if (!m.prefixRanges().isEmpty()) {
            parts.add("prefix_ranges=" + m.prefixRanges());
        }
        if (!m.serverNames().isEmpty()) {
            parts.add("server_names=" + m.serverNames());
        }
        if (m.transportProtocol() != null) {
            parts.add("transport_protocol=" + m.transportProtocol());
        }
        if (!m.applicationProtocols().isEmpty()) {
            parts.add("application_protocols=" + m.applicationProtocols());
        }
        return String.join(" ", parts);
    }

    private static String endpoint(EndpointSpec e) {
        StringBuilder b = new StringBuilder(e.address().toString());
        if (e.loadBalancingWeight() != 1) {
            b.append(" weight=").append(e.loadBalancingWeight());
        }
        if (e.health() != EndpointSpec.Health.UNKNOWN) {
            b.append(' ').append(e.health());
        }
        return b.toString();
    }

    private static String locality(LocalitySpec l) {
        if (l.equals(LocalitySpec.EMPTY)) {
            return "(none)";
        }
        return l.region() + "/" + l.zone() + "/" + l.subZone();
    }

    static String duration(Duration d) {
        // Envoy's notation, e.g. 0.250s, 5s, 3600s.
        return com.google.protobuf.util.Durations.toString(
                com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build());
    }
}
