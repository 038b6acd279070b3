package io.outrigger.xds.config;

import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.outrigger.xds.snapshot.EndpointSpec;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.LocalityEndpointsSpec;
import io.outrigger.xds.snapshot.LocalitySpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code endpoint.v3.ClusterLoadAssignment} (a cluster's {@code load_assignment}, or an EDS resource). */
final class LoadAssignmentDecoder {
    static final int DEFAULT_OVERPROVISIONING_FACTOR = 140;
    /** Envoy's limit on {@code LocalityLbEndpoints.priority}. */
    static final int MAX_PRIORITY = 128;

    private static final Set<String> CLA_FIELDS = Set.of("cluster_name", "endpoints", "policy");
    private static final Set<String> POLICY_FIELDS = Set.of("overprovisioning_factor");
    private static final Set<String> LOCALITY_ENDPOINTS_FIELDS =
            Set.of("locality", "lb_endpoints", "load_balancing_weight", "priority");
    private static final Set<String> LOCALITY_FIELDS = Set.of("region", "zone", "sub_zone");
    private static final Set<String> LB_ENDPOINT_FIELDS =
            Set.of("endpoint", "health_status", "metadata", "load_balancing_weight");
    private static final Set<String> ENDPOINT_FIELDS = Set.of("address");
    private static final Map<String, String> ENDPOINT_IGNORED = Map.of(
            "health_check_config", "used only by active health checking (cluster health_checks), which is not implemented",
            "hostname", "Envoy uses it only for HTTP host rewriting and as the host's name in stats and dumps");
    private static final Set<String> METADATA_FIELDS = Set.of("filter_metadata");

    private LoadAssignmentDecoder() {
    }

    /**
     * @param form whether endpoint addresses must be IP literals (STATIC, EDS) or may be host names
     * @param why what needs the IP literal, for messages ("a STATIC cluster")
     * @return the assignment, or {@code null} when any problem was added
     */
    static LoadAssignmentSpec decode(ClusterLoadAssignment cla, String path, Problems problems,
                                     Addresses.Form form, String why) {
        int before = problems.errorCount();
        Supported.check(cla, path, problems, CLA_FIELDS);
        if (cla.getClusterName().isEmpty()) {
            // Envoy's validation rule for ClusterLoadAssignment.cluster_name: min_len 1.
            problems.error(Problems.path(path, "cluster_name"), "missing (expected: the cluster's name, non-empty)");
        }
        int overprovisioning = DEFAULT_OVERPROVISIONING_FACTOR;
        if (cla.hasPolicy()) {
            String pp = Problems.path(path, "policy");
            Supported.check(cla.getPolicy(), pp, problems, POLICY_FIELDS);
            if (cla.getPolicy().hasOverprovisioningFactor()) {
                long f = Integer.toUnsignedLong(cla.getPolicy().getOverprovisioningFactor().getValue());
                if (f < 1 || f > Integer.MAX_VALUE) {
                    problems.error(Problems.path(pp, "overprovisioning_factor"), f + " (expected: 1-" + Integer.MAX_VALUE + ", percent)");
                } else {
                    overprovisioning = (int) f;
                }
            }
        }
        List<LocalityEndpointsSpec> localities = new ArrayList<>();
        TreeSet<Integer> priorities = new TreeSet<>();
        for (int i = 0; i < cla.getEndpointsCount(); i++) {
            String lp = Problems.path(path, "endpoints[" + i + "]");
            LocalityEndpointsSpec l = locality(cla.getEndpoints(i), lp, problems, form, why);
            if (l != null) {
                localities.add(l);
                priorities.add(l.priority());
            }
        }
        checkContiguous(priorities, Problems.path(path, "endpoints"), problems);
        if (problems.errorCount() > before) {
            return null;
        }
        return new LoadAssignmentSpec(cla.getClusterName(), localities, overprovisioning);
    }

    /** Envoy: "Priorities should range from 0 (highest) to N (lowest) without skipping." */
    static void checkContiguous(TreeSet<Integer> priorities, String path, Problems problems) {
        if (priorities.isEmpty()) {
            return;
        }
        List<Integer> missing = new ArrayList<>();
        for (int p = 0; p < priorities.last(); p++) {
            if (!priorities.contains(p)) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            problems.error(path, "priorities must be contiguous from 0 without skipping (found " + priorities
                    + ", missing " + missing + ")");
        }
    }

    private static LocalityEndpointsSpec locality(LocalityLbEndpoints l, String path, Problems problems,
                                                  Addresses.Form form, String why) {
        int before = problems.errorCount();
        Supported.check(l, path, problems, LOCALITY_ENDPOINTS_FIELDS);
        LocalitySpec locality = LocalitySpec.EMPTY;
        if (l.hasLocality()) {
            Locality loc = l.getLocality();
            Supported.check(loc, Problems.path(path, "locality"), problems, LOCALITY_FIELDS);
            locality = new LocalitySpec(loc.getRegion(), loc.getZone(), loc.getSubZone());
        }
        int weight = 0;
        if (l.hasLoadBalancingWeight()) {
            weight = positiveWeight(l.getLoadBalancingWeight().getValue(), Problems.path(path, "load_balancing_weight"), problems);
        }
        int priority = l.getPriority();
        if (Integer.compareUnsigned(priority, MAX_PRIORITY) > 0) {
            problems.error(Problems.path(path, "priority"), Integer.toUnsignedString(priority) + " (expected: 0-" + MAX_PRIORITY + ")");
        }
        List<EndpointSpec> endpoints = new ArrayList<>();
        for (int i = 0; i < l.getLbEndpointsCount(); i++) {
            EndpointSpec e = endpoint(l.getLbEndpoints(i), Problems.path(path, "lb_endpoints[" + i + "]"), problems, form, why);
            if (e != null) {
                endpoints.add(e);
            }
        }
        if (problems.errorCount() > before) {
            return null;
        }
        return new LocalityEndpointsSpec(locality, weight, priority, endpoints);
    }

    private static EndpointSpec endpoint(LbEndpoint e, String path, Problems problems, Addresses.Form form, String why) {
        int before = problems.errorCount();
        Supported.check(e, path, problems, LB_ENDPOINT_FIELDS);
        SocketAddressSpec address = null;
        String ep = Problems.path(path, "endpoint");
        if (!e.hasEndpoint()) {
            problems.error(ep, "missing (expected: endpoint with an address)");
        } else {
            Endpoint endpoint = e.getEndpoint();
            Supported.check(endpoint, ep, problems, ENDPOINT_FIELDS, ENDPOINT_IGNORED);
            if (!endpoint.hasAddress()) {
                problems.error(Problems.path(ep, "address"), "missing (expected e.g. socket_address: {address: 10.0.0.1, port_value: 8080})");
            } else {
                address = Addresses.socket(endpoint.getAddress(), Problems.path(ep, "address"), problems, form, 1, why);
            }
        }
        int weight = 1;
        if (e.hasLoadBalancingWeight()) {
            weight = positiveWeight(e.getLoadBalancingWeight().getValue(), Problems.path(path, "load_balancing_weight"), problems);
        }
        EndpointSpec.Health health = switch (e.getHealthStatus()) {
            case UNKNOWN -> EndpointSpec.Health.UNKNOWN;
            case HEALTHY -> EndpointSpec.Health.HEALTHY;
            case UNHEALTHY -> EndpointSpec.Health.UNHEALTHY;
            case DRAINING -> EndpointSpec.Health.DRAINING;
            case TIMEOUT -> EndpointSpec.Health.TIMEOUT;
            case DEGRADED -> EndpointSpec.Health.DEGRADED;
            case UNRECOGNIZED -> {
                problems.error(Problems.path(path, "health_status"), e.getHealthStatusValue()
                        + " (expected one of: UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED)");
                yield EndpointSpec.Health.UNKNOWN;
            }
        };
        Map<String, String> metadata = e.hasMetadata() ? metadata(e.getMetadata(), Problems.path(path, "metadata"), problems) : Map.of();
        if (problems.errorCount() > before) {
            return null;
        }
        return new EndpointSpec(address, weight, health, metadata);
    }

    /** {@code filter_metadata} flattened to {@code "filter.key" -> value}. */
    static Map<String, String> metadata(Metadata m, String path, Problems problems) {
        Supported.check(m, path, problems, METADATA_FIELDS);
        Map<String, String> out = new LinkedHashMap<>();
        m.getFilterMetadataMap().forEach((filter, struct) -> out.putAll(Supported.flatten(struct, filter + ".")));
        return out;
    }

    private static int positiveWeight(int raw, String path, Problems problems) {
        long w = Integer.toUnsignedLong(raw);
        if (w < 1 || w > Integer.MAX_VALUE) {
            problems.error(path, w + " (expected: 1-" + Integer.MAX_VALUE + ")");
            return 1;
        }
        return (int) w;
    }
}
