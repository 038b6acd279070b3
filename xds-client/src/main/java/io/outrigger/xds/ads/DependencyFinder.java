package io.outrigger.xds.ads;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.outrigger.xds.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what a cluster or listener needs from the same ADS stream before it can serve: the
 * {@code ClusterLoadAssignment} of an EDS cluster, the {@code RouteConfiguration} of an HTTP
 * connection manager using {@code rds}, TLS secrets from {@code sds_secret_configs}.
 *
 * <p>Only config sources that say {@code ads: {}} are followed; any other config source for EDS or
 * RDS is a problem of the resource, because this proxy has a single ADS stream.
 */
final class DependencyFinder {
    private static final String HCM_TYPE = "type.googleapis.com/"
            + HttpConnectionManager.getDescriptor().getFullName();
    private static final String UPSTREAM_TLS_TYPE = "type.googleapis.com/"
            + UpstreamTlsContext.getDescriptor().getFullName();
    private static final String DOWNSTREAM_TLS_TYPE = "type.googleapis.com/"
            + DownstreamTlsContext.getDescriptor().getFullName();

    private DependencyFinder() {
    }

    /** The dependencies of a resource; problems found are added to {@code problems}. */
    static List<Dependency> find(XdsResourceType type, Message resource, String source, List<ConfigProblem> problems) {
        List<Dependency> deps = new ArrayList<>(1);
        switch (resource) {
            case Cluster c -> cluster(c, source, deps, problems);
            case Listener l -> listener(l, source, deps, problems);
            default -> { }
        }
        return deps;
    }

    private static void cluster(Cluster c, String source, List<Dependency> deps, List<ConfigProblem> problems) {
        if (c.getType() == Cluster.DiscoveryType.EDS) {
            ConfigSource eds = c.getEdsClusterConfig().getEdsConfig();
            String field = "eds_cluster_config.eds_config";
            if (adsSource(eds, "Cluster", c.getName(), field, source, problems)) {
                String service = c.getEdsClusterConfig().getServiceName();
                deps.add(new Dependency(XdsResourceType.CLUSTER_LOAD_ASSIGNMENT,
                        service.isEmpty() ? c.getName() : service, AdsConfig.initialFetchTimeout(eds)));
            }
        }
        if (c.hasTransportSocket()) {
            tlsSecrets(c.getTransportSocket(), "Cluster", c.getName(), "transport_socket", source, deps, problems);
        }
    }

    private static void listener(Listener l, String source, List<Dependency> deps, List<ConfigProblem> problems) {
        for (int i = 0; i < l.getFilterChainsCount(); i++) {
            filterChain(l, l.getFilterChains(i), "filter_chains[" + i + "]", source, deps, problems);
        }
        if (l.hasDefaultFilterChain()) {
            filterChain(l, l.getDefaultFilterChain(), "default_filter_chain", source, deps, problems);
        }
    }

    private static void filterChain(Listener l, FilterChain fc, String field, String source, List<Dependency> deps,
                                    List<ConfigProblem> problems) {
        for (int j = 0; j < fc.getFiltersCount(); j++) {
            Filter f = fc.getFilters(j);
            if (!f.hasTypedConfig() || !f.getTypedConfig().getTypeUrl().equals(HCM_TYPE)) {
                continue;
            }
            String ff = field + ".filters[" + j + "].typed_config";
            HttpConnectionManager hcm = unpack(f.getTypedConfig(), HttpConnectionManager.class, "Listener",
                    l.getName(), ff, source, problems);
            if (hcm != null && hcm.hasRds()
                    && adsSource(hcm.getRds().getConfigSource(), "Listener", l.getName(), ff + ".rds.config_source",
                    source, problems)) {
                deps.add(new Dependency(XdsResourceType.ROUTE_CONFIGURATION, hcm.getRds().getRouteConfigName(),
                        AdsConfig.initialFetchTimeout(hcm.getRds().getConfigSource())));
            }
        }
        if (fc.hasTransportSocket()) {
            tlsSecrets(fc.getTransportSocket(), "Listener", l.getName(), field + ".transport_socket", source, deps,
                    problems);
        }
    }

    private static void tlsSecrets(TransportSocket ts, String kind, String name, String field, String source,
                                   List<Dependency> deps, List<ConfigProblem> problems) {
        if (!ts.hasTypedConfig()) {
            return;
        }
        String url = ts.getTypedConfig().getTypeUrl();
        CommonTlsContext common = null;
        if (url.equals(UPSTREAM_TLS_TYPE)) {
            UpstreamTlsContext u = unpack(ts.getTypedConfig(), UpstreamTlsContext.class, kind, name,
                    field + ".typed_config", source, problems);
            common = u == null ? null : u.getCommonTlsContext();
        } else if (url.equals(DOWNSTREAM_TLS_TYPE)) {
            DownstreamTlsContext d = unpack(ts.getTypedConfig(), DownstreamTlsContext.class, kind, name,
                    field + ".typed_config", source, problems);
            common = d == null ? null : d.getCommonTlsContext();
        }
        if (common == null) {
            return;
        }
        for (SdsSecretConfig sds : common.getTlsCertificateSdsSecretConfigsList()) {
            sdsSecret(sds, deps);
        }
        if (common.hasValidationContextSdsSecretConfig()) {
            sdsSecret(common.getValidationContextSdsSecretConfig(), deps);
        }
        if (common.hasCombinedValidationContext()
                && common.getCombinedValidationContext().hasValidationContextSdsSecretConfig()) {
            sdsSecret(common.getCombinedValidationContext().getValidationContextSdsSecretConfig(), deps);
        }
    }

    private static void sdsSecret(SdsSecretConfig sds, List<Dependency> deps) {
        // Secrets from a local SDS server (Istio's agent socket) are not ours to fetch; only those over ADS are.
        if (sds.hasSdsConfig() && sds.getSdsConfig().hasAds()) {
            deps.add(new Dependency(XdsResourceType.SECRET, sds.getName(),
                    AdsConfig.initialFetchTimeout(sds.getSdsConfig())));
        }
    }

    private static boolean adsSource(ConfigSource cs, String kind, String name, String field, String source,
                                     List<ConfigProblem> problems) {
        if (cs.hasAds()) {
            return true;
        }
        String what = switch (cs.getConfigSourceSpecifierCase()) {
            case CONFIGSOURCESPECIFIER_NOT_SET -> "missing";
            case PATH, PATH_CONFIG_SOURCE -> "a file";
            case API_CONFIG_SOURCE -> "a separate api_config_source";
            case SELF -> "self";
            default -> cs.getConfigSourceSpecifierCase().name().toLowerCase(java.util.Locale.ROOT);
        };
        problems.add(new ConfigProblem(source, kind, name, field, what + " (expected: ads: {})"));
        return false;
    }

    private static <T extends Message> T unpack(Any any, Class<T> type, String kind, String name, String field,
                                                String source, List<ConfigProblem> problems) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            problems.add(new ConfigProblem(source, kind, name, field, "cannot be parsed: " + e.getMessage()));
            return null;
        }
    }
}
