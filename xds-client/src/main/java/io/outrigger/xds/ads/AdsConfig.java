package io.outrigger.xds.ads;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.outrigger.xds.config.ConfigException;
import io.outrigger.xds.config.ConfigProblem;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The bootstrap's {@code dynamic_resources} with an {@code ads_config}: where the control plane
 * is, which protocol variant to speak and how long to wait for the first configuration.
 *
 * @param delta true for {@code api_type: DELTA_GRPC}, false for {@code GRPC} (state of the world)
 * @param serverCluster the static cluster named by {@code grpc_services[0].envoy_grpc.cluster_name}
 * @param serverTarget the gRPC target of that cluster's first endpoint: {@code dns:///host:port}
 *                     for a {@code socket_address}, {@code unix:///path} for a {@code pipe} (Istio's agent)
 * @param subscribeListeners {@code lds_config: {ads: {}}} is present
 * @param subscribeClusters {@code cds_config: {ads: {}}} is present
 * @param listenersInitialFetchTimeout {@code lds_config.initial_fetch_timeout}, 15 s by default,
 *                                     {@link Duration#ZERO} to wait forever
 * @param clustersInitialFetchTimeout {@code cds_config.initial_fetch_timeout}, same defaults
 * @param nodeOnFirstMessageOnly {@code set_node_on_first_message_only}: by default, as Envoy does,
 *                               every request carries the node
 * @param retryBackoffBase {@code envoy_grpc.retry_policy.retry_back_off.base_interval}, 500 ms by default
 * @param retryBackoffMax {@code retry_back_off.max_interval}, 30 s by default (Envoy's defaults)
 * @param maxReceiveMessageBytes {@code envoy_grpc.max_receive_message_length}; unlimited by default
 */
public record AdsConfig(boolean delta, String serverCluster, String serverTarget,
                        boolean subscribeListeners, boolean subscribeClusters,
                        Duration listenersInitialFetchTimeout, Duration clustersInitialFetchTimeout,
                        boolean nodeOnFirstMessageOnly, Duration retryBackoffBase, Duration retryBackoffMax,
                        int maxReceiveMessageBytes) {
    /** Envoy's {@code initial_fetch_timeout} default. */
    public static final Duration DEFAULT_INITIAL_FETCH_TIMEOUT = Duration.ofSeconds(15);
    static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(500);
    static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

    public AdsConfig {
        Objects.requireNonNull(serverCluster, "serverCluster");
        Objects.requireNonNull(serverTarget, "serverTarget");
        Objects.requireNonNull(listenersInitialFetchTimeout, "listenersInitialFetchTimeout");
        Objects.requireNonNull(clustersInitialFetchTimeout, "clustersInitialFetchTimeout");
        Objects.requireNonNull(retryBackoffBase, "retryBackoffBase");
        Objects.requireNonNull(retryBackoffMax, "retryBackoffMax");
        if (retryBackoffBase.isNegative() || retryBackoffBase.isZero()) {
            throw new IllegalArgumentException("retryBackoffBase: " + retryBackoffBase + " (expected: > 0)");
        }
        if (retryBackoffMax.compareTo(retryBackoffBase) < 0) {
            throw new IllegalArgumentException(
                    "retryBackoffMax: " + retryBackoffMax + " (expected: >= retryBackoffBase " + retryBackoffBase + ")");
        }
        if (maxReceiveMessageBytes < 1) {
            throw new IllegalArgumentException("maxReceiveMessageBytes: " + maxReceiveMessageBytes + " (expected: >= 1)");
        }
    }

    /** Plain ADS towards one address with Envoy's defaults: LDS and CDS over ADS, 15 s fetch timeouts. */
    public static AdsConfig of(boolean delta, String serverCluster, SocketAddressSpec serverAddress) {
        return new AdsConfig(delta, serverCluster, target(serverAddress), true, true, DEFAULT_INITIAL_FETCH_TIMEOUT,
                DEFAULT_INITIAL_FETCH_TIMEOUT, false, DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_MAX, Integer.MAX_VALUE);
    }

    /** The same with other initial fetch timeouts for LDS and CDS. */
    public AdsConfig withInitialFetchTimeouts(Duration listeners, Duration clusters) {
        return new AdsConfig(delta, serverCluster, serverTarget, subscribeListeners, subscribeClusters, listeners,
                clusters, nodeOnFirstMessageOnly, retryBackoffBase, retryBackoffMax, maxReceiveMessageBytes);
    }

    /** The same with another reconnect backoff. */
    public AdsConfig withRetryBackoff(Duration base, Duration max) {
        return new AdsConfig(delta, serverCluster, serverTarget, subscribeListeners, subscribeClusters,
                listenersInitialFetchTimeout, clustersInitialFetchTimeout, nodeOnFirstMessageOnly, base, max,
                maxReceiveMessageBytes);
    }

    /**
     * Reads {@code dynamic_resources} of a bootstrap.
     *
     * @param source the bootstrap's file name, for messages
     * @return empty when the bootstrap has no {@code dynamic_resources} (static configuration only)
     * @throws ConfigException naming every unsupported or inconsistent field
     */
    public static Optional<AdsConfig> fromBootstrap(Bootstrap bootstrap, String source) throws ConfigException {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(source, "source");
        if (!bootstrap.hasDynamicResources()) {
            return Optional.empty();
        }
        Bootstrap.DynamicResources dyn = bootstrap.getDynamicResources();
        List<ConfigProblem> problems = new ArrayList<>();
        String base = "dynamic_resources.";
        boolean lds = dyn.hasLdsConfig();
        boolean cds = dyn.hasCdsConfig();
        Duration ldsTimeout = configSource(dyn.getLdsConfig(), lds, base + "lds_config", source, problems);
        Duration cdsTimeout = configSource(dyn.getCdsConfig(), cds, base + "cds_config", source, problems);
        if (!dyn.getLdsResourcesLocator().isEmpty()) {
            problems.add(problem(source, base + "lds_resources_locator", "xdstp:// locators are not supported"));
        }
        if (!dyn.getCdsResourcesLocator().isEmpty()) {
            problems.add(problem(source, base + "cds_resources_locator", "xdstp:// locators are not supported"));
        }
        if (!dyn.hasAdsConfig()) {
            if ((lds && dyn.getLdsConfig().hasAds()) || (cds && dyn.getCdsConfig().hasAds())) {
                problems.add(problem(source, base + "ads_config",
                        "missing (expected: an ads_config, since lds_config or cds_config uses ads)"));
            }
            if (problems.isEmpty()) {
                return Optional.empty();
            }
            throw new ConfigException(problems);
        }
        ApiConfigSource ads = dyn.getAdsConfig();
        String adsField = base + "ads_config";
        boolean delta = switch (ads.getApiType()) {
            case GRPC, AGGREGATED_GRPC -> false;
            case DELTA_GRPC, AGGREGATED_DELTA_GRPC -> true;
            default -> {
                problems.add(problem(source, adsField + ".api_type",
                        ads.getApiType() + " (expected: GRPC or DELTA_GRPC)"));
                yield false;
            }
        };
        if (ads.getTransportApiVersion() != ApiVersion.V3 && ads.getTransportApiVersion() != ApiVersion.AUTO) {
            problems.add(problem(source, adsField + ".transport_api_version",
                    ads.getTransportApiVersion() + " (expected: V3)"));
        }
        if (ads.getConfigValidatorsCount() > 0) {
            problems.add(problem(source, adsField + ".config_validators", "not supported"));
        }
        String clusterName = "";
        String address = null;
        Duration backoffBase = DEFAULT_BACKOFF_BASE;
        Duration backoffMax = DEFAULT_BACKOFF_MAX;
        int maxReceive = Integer.MAX_VALUE;
        if (ads.getGrpcServicesCount() != 1) {
            problems.add(problem(source, adsField + ".grpc_services",
                    ads.getGrpcServicesCount() + " entries (expected: exactly 1)"));
        } else {
            GrpcService svc = ads.getGrpcServices(0);
            String svcField = adsField + ".grpc_services[0]";
            if (!svc.hasEnvoyGrpc()) {
                problems.add(problem(source, svcField, "only envoy_grpc is supported"));
            } else {
                GrpcService.EnvoyGrpc eg = svc.getEnvoyGrpc();
                clusterName = eg.getClusterName();
                if (eg.hasRetryPolicy() && eg.getRetryPolicy().hasRetryBackOff()) {
                    var bo = eg.getRetryPolicy().getRetryBackOff();
                    backoffBase = toDuration(bo.getBaseInterval());
                    backoffMax = bo.hasMaxInterval() ? toDuration(bo.getMaxInterval()) : backoffBase.multipliedBy(10);
                    if (backoffBase.isZero() || backoffMax.compareTo(backoffBase) < 0) {
                        problems.add(problem(source, svcField + ".envoy_grpc.retry_policy.retry_back_off",
                                "base_interval " + backoffBase + ", max_interval " + backoffMax
                                        + " (expected: 0 < base_interval <= max_interval)"));
                        backoffBase = DEFAULT_BACKOFF_BASE;
                        backoffMax = DEFAULT_BACKOFF_MAX;
                    }
                }
                if (eg.hasMaxReceiveMessageLength() && eg.getMaxReceiveMessageLength().getValue() > 0) {
                    maxReceive = eg.getMaxReceiveMessageLength().getValue();
                }
                address = serverAddress(bootstrap, clusterName, svcField + ".envoy_grpc.cluster_name", source, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return Optional.of(new AdsConfig(delta, clusterName, address, lds, cds, ldsTimeout, cdsTimeout,
                ads.getSetNodeOnFirstMessageOnly(), backoffBase, backoffMax, maxReceive));
    }

    private static Duration configSource(ConfigSource cs, boolean present, String field, String source,
                                         List<ConfigProblem> problems) {
        if (!present) {
            return DEFAULT_INITIAL_FETCH_TIMEOUT;
        }
        if (!cs.hasAds()) {
            String what = switch (cs.getConfigSourceSpecifierCase()) {
                case PATH, PATH_CONFIG_SOURCE -> "file-based xDS (" + cs.getConfigSourceSpecifierCase().name()
                        .toLowerCase(java.util.Locale.ROOT) + ") is not supported";
                case API_CONFIG_SOURCE -> "a separate api_config_source is not supported";
                case CONFIGSOURCESPECIFIER_NOT_SET -> "no config source";
                default -> cs.getConfigSourceSpecifierCase().name().toLowerCase(java.util.Locale.ROOT)
                        + " is not supported";
            };
            problems.add(problem(source, field, what + " (expected: ads: {}, one ADS stream for everything)"));
        }
        return initialFetchTimeout(cs);
    }

    /** {@code initial_fetch_timeout} of a config source: 15 s when unset, zero disables it. */
    static Duration initialFetchTimeout(ConfigSource cs) {
        return cs.hasInitialFetchTimeout() ? toDuration(cs.getInitialFetchTimeout()) : DEFAULT_INITIAL_FETCH_TIMEOUT;
    }

    static Duration toDuration(com.google.protobuf.Duration d) {
        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    /** The gRPC target for a TCP address. */
    static String target(SocketAddressSpec address) {
        return "dns:///" + Objects.requireNonNull(address, "address");
    }

    private static String serverAddress(Bootstrap bootstrap, String clusterName, String field,
                                                   String source, List<ConfigProblem> problems) {
        for (int i = 0; i < bootstrap.getStaticResources().getClustersCount(); i++) {
            Cluster c = bootstrap.getStaticResources().getClusters(i);
            if (!c.getName().equals(clusterName)) {
                continue;
            }
            String cf = "static_resources.clusters[" + i + "]";
            switch (c.getType()) {
                case STATIC, STRICT_DNS, LOGICAL_DNS -> { }
                default -> problems.add(new ConfigProblem(source, "Cluster", clusterName, cf + ".type",
                        c.getType() + " (expected: STATIC, STRICT_DNS or LOGICAL_DNS for the xDS server cluster)"));
            }
            if (c.hasTransportSocket()) {
                problems.add(new ConfigProblem(source, "Cluster", clusterName, cf + ".transport_socket",
                        "TLS to the xDS server is not supported yet (expected: plaintext)"));
            }
            for (LocalityLbEndpoints lle : c.getLoadAssignment().getEndpointsList()) {
                for (LbEndpoint e : lle.getLbEndpointsList()) {
                    var addr = e.getEndpoint().getAddress();
                    if (addr.hasPipe() && !addr.getPipe().getPath().isEmpty()) {
                        String path = addr.getPipe().getPath();
                        // An '@' path is a Linux abstract socket, as in Envoy.
                        return path.startsWith("@") ? "unix-abstract:" + path.substring(1)
                                : path.startsWith("/") ? "unix://" + path : "unix:" + path;
                    }
                    SocketAddress sa = addr.getSocketAddress();
                    if (!sa.getAddress().isEmpty()) {
                        return target(new SocketAddressSpec(sa.getAddress(), sa.getPortValue()));
                    }
                }
            }
            problems.add(new ConfigProblem(source, "Cluster", clusterName, cf + ".load_assignment",
                    "no endpoint with a socket_address or pipe (expected: the xDS server's address)"));
            return null;
        }
        problems.add(problem(source, field, "\"" + clusterName + "\" is not a cluster of static_resources"));
        return null;
    }

    private static ConfigProblem problem(String source, String field, String message) {
        return new ConfigProblem(source, "Bootstrap", "", field, message);
    }
}
