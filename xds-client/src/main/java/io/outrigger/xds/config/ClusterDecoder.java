package io.outrigger.xds.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.extensions.load_balancing_policies.cluster_provided.v3.ClusterProvided;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.outrigger.xds.snapshot.ClusterSpec;
import io.outrigger.xds.snapshot.ClusterSpec.DiscoveryType;
import io.outrigger.xds.snapshot.ClusterSpec.LbPolicyName;
import io.outrigger.xds.snapshot.LoadAssignmentSpec;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import io.outrigger.xds.snapshot.UpstreamBindSpec;
import io.outrigger.xds.snapshot.UpstreamTlsSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code cluster.v3.Cluster}: from {@code static_resources.clusters} or CDS. */
final class ClusterDecoder {
    /** Envoy's default {@code connect_timeout}. */
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private static final Set<String> FIELDS = Set.of("name", "type", "connect_timeout", "lb_policy",
            "load_assignment", "eds_cluster_config", "load_balancing_policy", "upstream_bind_config",
            "transport_socket");
    private static final Set<String> BIND_FIELDS = Set.of("source_address", "extra_source_addresses");
    private static final Set<String> ALL_FIELDS = union(FIELDS, UpstreamHttpDecoder.CLUSTER_FIELDS);
    private static final Set<String> EDS_CONFIG_FIELDS = Set.of("eds_config", "service_name");
    private static final Set<String> CONFIG_SOURCE_FIELDS = Set.of("ads", "resource_api_version", "initial_fetch_timeout");

    /** Typed load balancing policies we map onto the {@code lb_policy} names, when they carry no settings. */
    private static final Map<String, Map.Entry<Message, LbPolicyName>> TYPED_POLICIES = typedPolicies();

    private ClusterDecoder() {
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    private static Map<String, Map.Entry<Message, LbPolicyName>> typedPolicies() {
        Map<String, Map.Entry<Message, LbPolicyName>> m = new LinkedHashMap<>();
        m.put(MessageTypes.typeUrl(RoundRobin.getDescriptor()), Map.entry(RoundRobin.getDefaultInstance(), LbPolicyName.ROUND_ROBIN));
        m.put(MessageTypes.typeUrl(LeastRequest.getDescriptor()), Map.entry(LeastRequest.getDefaultInstance(), LbPolicyName.LEAST_REQUEST));
        m.put(MessageTypes.typeUrl(Random.getDescriptor()), Map.entry(Random.getDefaultInstance(), LbPolicyName.RANDOM));
        m.put(MessageTypes.typeUrl(RingHash.getDescriptor()), Map.entry(RingHash.getDefaultInstance(), LbPolicyName.RING_HASH));
        m.put(MessageTypes.typeUrl(Maglev.getDescriptor()), Map.entry(Maglev.getDefaultInstance(), LbPolicyName.MAGLEV));
        m.put(MessageTypes.typeUrl(ClusterProvided.getDescriptor()), Map.entry(ClusterProvided.getDefaultInstance(), LbPolicyName.CLUSTER_PROVIDED));
        return Map.copyOf(m);
    }

    /** The cluster, or {@code null} when any problem was added to {@code problems}. */
    static ClusterSpec decode(Cluster cluster, String path, Problems problems) {
        problems.enter("Cluster", cluster.getName());
        int before = problems.errorCount();
        Cluster checked = cluster;
        if (cluster.hasCommonLbConfig() && cluster.getCommonLbConfig().equals(Cluster.CommonLbConfig.getDefaultInstance())) {
            // "common_lb_config: {}" means all defaults, which is what we implement.
            checked = cluster.toBuilder().clearCommonLbConfig().build();
        }
        Supported.check(checked, path, problems, ALL_FIELDS);
        if (cluster.getName().isEmpty()) {
            problems.error(Problems.path(path, "name"), "missing (expected: a non-empty cluster name)");
        }
        DiscoveryType type = switch (cluster.getType()) {
            case STATIC -> DiscoveryType.STATIC;
            case STRICT_DNS -> DiscoveryType.STRICT_DNS;
            case LOGICAL_DNS -> DiscoveryType.LOGICAL_DNS;
            case EDS -> DiscoveryType.EDS;
            case ORIGINAL_DST -> DiscoveryType.ORIGINAL_DST;
            case UNRECOGNIZED -> {
                problems.error(Problems.path(path, "type"), cluster.getTypeValue()
                        + " (expected one of: STATIC, STRICT_DNS, LOGICAL_DNS, EDS, ORIGINAL_DST)");
                yield DiscoveryType.STATIC;
            }
        };
        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        if (cluster.hasConnectTimeout()) {
            Duration d = Supported.duration(cluster.getConnectTimeout(), Problems.path(path, "connect_timeout"), problems, false);
            if (d != null) {
                connectTimeout = d;
            }
        }
        LbPolicyName lb = lbPolicy(cluster, path, problems);
        if (lb != null) {
            checkLbForType(type, lb, path, problems);
        }
        LoadAssignmentSpec assignment = assignment(cluster, type, path, problems);
        if (type != DiscoveryType.EDS && cluster.hasEdsClusterConfig()) {
            problems.error(Problems.path(path, "eds_cluster_config"), "set on a " + type + " cluster (expected only with type: EDS)");
        }
        UpstreamBindSpec bind = cluster.hasUpstreamBindConfig()
                ? bindConfig(cluster.getUpstreamBindConfig(), Problems.path(path, "upstream_bind_config"), problems) : null;
        var http = UpstreamHttpDecoder.decode(cluster, path, problems);
        UpstreamTlsSpec tls = null;
        if (cluster.hasTransportSocket()) {
            tls = TlsDecoder.upstream(cluster.getTransportSocket(), Problems.path(path, "transport_socket"), problems);
        }
        if (problems.errorCount() > before) {
            return null;
        }
        return new ClusterSpec(cluster.getName(), type, connectTimeout, lb, assignment, bind, http, tls);
    }

    /**
     * {@code upstream_bind_config}: a source IP literal (port 0 or a fixed port) and at most one
     * extra source per other IP family, which Envoy requires to differ from the main one's.
     */
    private static UpstreamBindSpec bindConfig(BindConfig bind, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(bind, path, problems, BIND_FIELDS);
        String sp = Problems.path(path, "source_address");
        SocketAddressSpec source = null;
        if (!bind.hasSourceAddress()) {
            problems.error(sp, "missing (expected e.g. source_address: {address: 127.0.0.6, port_value: 0})");
        } else {
            source = Addresses.socket(Address.newBuilder().setSocketAddress(bind.getSourceAddress()).build(), sp,
                    problems, Addresses.Form.IP_LITERAL, 0, "a bind source");
        }
        List<SocketAddressSpec> extras = new ArrayList<>();
        for (int i = 0; i < bind.getExtraSourceAddressesCount(); i++) {
            String ep = Problems.path(path, "extra_source_addresses[" + i + "]");
            Supported.check(bind.getExtraSourceAddresses(i), ep, problems, Set.of("address"));
            SocketAddressSpec extra = Addresses.socket(Address.newBuilder()
                            .setSocketAddress(bind.getExtraSourceAddresses(i).getAddress()).build(),
                    Problems.path(ep, "address"), problems, Addresses.Form.IP_LITERAL, 0, "a bind source");
            if (extra == null) {
                continue;
            }
            boolean v6 = extra.address().indexOf(':') >= 0;
            boolean sameAsSource = source != null && (source.address().indexOf(':') >= 0) == v6;
            boolean sameAsExtra = extras.stream().anyMatch(e -> (e.address().indexOf(':') >= 0) == v6);
            if (sameAsSource || sameAsExtra) {
                problems.error(Problems.path(ep, "address"), extra.address() + " is of the same IP version as "
                        + (sameAsSource ? "source_address" : "another extra source address")
                        + " (expected: one source address per IP version)");
                continue;
            }
            extras.add(extra);
        }
        if (problems.errorCount() > before) {
            return null;
        }
        return new UpstreamBindSpec(source, extras);
    }

    private static LoadAssignmentSpec assignment(Cluster cluster, DiscoveryType type, String path, Problems problems) {
        String lp = Problems.path(path, "load_assignment");
        switch (type) {
            case EDS -> {
                String serviceName = cluster.getName();
                if (cluster.hasEdsClusterConfig()) {
                    String ep = Problems.path(path, "eds_cluster_config");
                    Supported.check(cluster.getEdsClusterConfig(), ep, problems, EDS_CONFIG_FIELDS);
                    if (cluster.getEdsClusterConfig().hasEdsConfig()) {
                        configSource(cluster.getEdsClusterConfig().getEdsConfig(), Problems.path(ep, "eds_config"), problems);
                    }
                    if (!cluster.getEdsClusterConfig().getServiceName().isEmpty()) {
                        serviceName = cluster.getEdsClusterConfig().getServiceName();
                    }
                } else {
                    problems.error(Problems.path(path, "eds_cluster_config"), "missing (an EDS cluster needs eds_cluster_config: {eds_config: {ads: {}}})");
                }
                if (cluster.hasLoadAssignment()) {
                    problems.warn(lp, "ignored: an EDS cluster takes its endpoints from EDS");
                }
                // The EDS resource is named by service_name, or the cluster's name without one.
                return LoadAssignmentSpec.empty(serviceName);
            }
            case ORIGINAL_DST -> {
                if (cluster.hasLoadAssignment()) {
                    problems.error(lp, "ORIGINAL_DST clusters must have no load assignment (hosts come from each "
                            + "connection's original destination)");
                }
                return LoadAssignmentSpec.empty(cluster.getName());
            }
            default -> {
                if (!cluster.hasLoadAssignment()) {
                    if (type == DiscoveryType.LOGICAL_DNS) {
                        problems.error(lp, "missing: LOGICAL_DNS clusters must have a single host");
                    }
                    return LoadAssignmentSpec.empty(cluster.getName());
                }
                Addresses.Form form = type == DiscoveryType.STATIC ? Addresses.Form.IP_LITERAL : Addresses.Form.IP_OR_HOSTNAME;
                LoadAssignmentSpec spec = LoadAssignmentDecoder.decode(cluster.getLoadAssignment(), lp, problems, form,
                        "a STATIC cluster");
                if (type == DiscoveryType.LOGICAL_DNS) {
                    var endpoints = cluster.getLoadAssignment().getEndpointsList();
                    if (endpoints.size() != 1 || endpoints.get(0).getLbEndpointsCount() != 1) {
                        problems.error(Problems.path(lp, "endpoints"),
                                "LOGICAL_DNS clusters must have a single locality_lb_endpoint and a single lb_endpoint");
                    }
                }
                return spec == null ? LoadAssignmentSpec.empty(cluster.getName()) : spec;
            }
        }
    }

    /** EDS through the ADS stream only: that is the one xDS transport Outrigger speaks. */
    static void configSource(ConfigSource source, String path, Problems problems) {
        Supported.check(source, path, problems, CONFIG_SOURCE_FIELDS);
        if (source.getConfigSourceSpecifierCase() == ConfigSource.ConfigSourceSpecifierCase.CONFIGSOURCESPECIFIER_NOT_SET) {
            problems.error(path, "no config source (expected: ads: {})");
        }
        // AUTO (unset) means V3 now that Envoy has dropped V2.
        if (source.getResourceApiVersion() == io.envoyproxy.envoy.config.core.v3.ApiVersion.V2
                || source.getResourceApiVersion() == io.envoyproxy.envoy.config.core.v3.ApiVersion.UNRECOGNIZED) {
            problems.error(Problems.path(path, "resource_api_version"), source.getResourceApiVersion() + " (expected: V3)");
        }
    }

    private static LbPolicyName lbPolicy(Cluster cluster, String path, Problems problems) {
        if (cluster.hasLoadBalancingPolicy()) {
            LbPolicyName typed = typedLbPolicy(cluster.getLoadBalancingPolicy(), Problems.path(path, "load_balancing_policy"), problems);
            if (cluster.getLbPolicy() != Cluster.LbPolicy.ROUND_ROBIN) {
                problems.warn(Problems.path(path, "lb_policy"), "ignored: load_balancing_policy is set and takes precedence");
            }
            return typed;
        }
        return switch (cluster.getLbPolicy()) {
            case ROUND_ROBIN -> LbPolicyName.ROUND_ROBIN;
            case LEAST_REQUEST -> LbPolicyName.LEAST_REQUEST;
            case RANDOM -> LbPolicyName.RANDOM;
            case RING_HASH -> LbPolicyName.RING_HASH;
            case MAGLEV -> LbPolicyName.MAGLEV;
            case CLUSTER_PROVIDED -> LbPolicyName.CLUSTER_PROVIDED;
            case LOAD_BALANCING_POLICY_CONFIG, UNRECOGNIZED -> {
                problems.error(Problems.path(path, "lb_policy"), cluster.getLbPolicy().name() + " (expected one of: "
                        + "ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, CLUSTER_PROVIDED)");
                yield null;
            }
        };
    }

    /** Envoy uses the first policy in the list that it implements; so do we. */
    private static LbPolicyName typedLbPolicy(LoadBalancingPolicy policy, String path, Problems problems) {
        List<String> types = new ArrayList<>();
        for (int i = 0; i < policy.getPoliciesCount(); i++) {
            String pp = Problems.path(path, "policies[" + i + "].typed_extension_config");
            Any config = policy.getPolicies(i).getTypedExtensionConfig().getTypedConfig();
            var known = TYPED_POLICIES.get(config.getTypeUrl());
            if (known == null) {
                types.add(config.getTypeUrl());
                continue;
            }
            try {
                Message unpacked = known.getKey().getParserForType().parseFrom(config.getValue());
                Supported.check(unpacked, Problems.path(pp, "typed_config"), problems, Set.of());
            } catch (InvalidProtocolBufferException e) {
                problems.error(Problems.path(pp, "typed_config"), "not a valid " + MessageTypes.fullName(config.getTypeUrl()) + ": " + e.getMessage());
            }
            return known.getValue();
        }
        problems.error(Problems.path(path, "policies"), "no policy Outrigger implements (found: " + String.join(", ", types)
                + "; expected one of: " + String.join(", ", TYPED_POLICIES.keySet().stream().sorted().toList()) + ")");
        return null;
    }

    private static void checkLbForType(DiscoveryType type, LbPolicyName lb, String path, Problems problems) {
        if (type == DiscoveryType.ORIGINAL_DST && lb != LbPolicyName.CLUSTER_PROVIDED) {
            problems.error(Problems.path(path, "lb_policy"), "LB policy " + lb + " is not valid for Cluster type ORIGINAL_DST "
                    + "(expected: CLUSTER_PROVIDED, the only policy Envoy allows with ORIGINAL_DST)");
        } else if (type != DiscoveryType.ORIGINAL_DST && lb == LbPolicyName.CLUSTER_PROVIDED) {
            problems.error(Problems.path(path, "lb_policy"), "LB policy CLUSTER_PROVIDED is not valid for Cluster type " + type
                    + " (expected: ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH or MAGLEV; CLUSTER_PROVIDED goes with ORIGINAL_DST)");
        }
    }
}
