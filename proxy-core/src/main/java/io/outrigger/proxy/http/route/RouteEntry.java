package io.outrigger.proxy.http.route;

import com.google.re2j.Pattern;
import io.outrigger.proxy.cluster.ClusterRuntime;
import io.outrigger.xds.snapshot.HeaderMatcherSpec;
import io.outrigger.xds.snapshot.HeaderMutationSpec;
import io.outrigger.xds.snapshot.QueryParameterMatcherSpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.RouteMatchSpec;
import io.outrigger.xds.snapshot.RouteSpec;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One route, compiled: its match (path, headers, query parameters), its action with clusters
 * resolved, and the header mutations to apply (route, then virtual host, then route configuration,
 * so the most general level is applied last as Envoy does by default). Immutable.
 */
public final class RouteEntry {
    private final String name;
    private final String virtualHost;
    private final RouteMatchSpec.PathKind kind;
    private final String path;
    private final String lowerPath;
    private final boolean caseSensitive;
    private final Pattern regex;
    private final HeaderMatch[] headers;
    private final QueryMatch[] queries;
    private final boolean grpcOnly;
    private final RouteActionSpec action;
    private final ClusterRuntime[] clusters;
    private final String[] clusterNames;
    private final long[] cumulativeWeights;
    private final List<HeaderMutationSpec> requestMutations;
    private final List<HeaderMutationSpec> responseMutations;

    RouteEntry(RouteSpec spec, String virtualHost, List<HeaderMutationSpec> requestMutations,
               List<HeaderMutationSpec> responseMutations, Function<String, ClusterRuntime> clusterLookup) {
        this.name = spec.name();
        this.virtualHost = virtualHost;
        RouteMatchSpec m = spec.match();
        this.kind = m.kind();
        this.path = m.path();
        this.caseSensitive = m.caseSensitive();
        this.lowerPath = m.path().toLowerCase(Locale.ROOT);
        this.regex = kind == RouteMatchSpec.PathKind.SAFE_REGEX ? Pattern.compile(m.path()) : null;
        this.headers = m.headers().stream().map(HeaderMatch::new).toArray(HeaderMatch[]::new);
        this.queries = m.queryParameters().stream().map(QueryMatch::new).toArray(QueryMatch[]::new);
        this.grpcOnly = m.grpcOnly();
        this.action = spec.action();
        if (action instanceof RouteActionSpec.Forward f) {
            int n = f.clusters().size();
            clusters = new ClusterRuntime[n];
            clusterNames = new String[n];
            cumulativeWeights = new long[n];
            long sum = 0;
            for (int i = 0; i < n; i++) {
                clusterNames[i] = f.clusters().get(i).name();
                clusters[i] = clusterLookup.apply(clusterNames[i]);
                sum += f.clusters().get(i).weight();
                cumulativeWeights[i] = sum;
            }
        } else {
            clusters = new ClusterRuntime[0];
            clusterNames = new String[0];
            cumulativeWeights = new long[0];
        }
        this.requestMutations = List.copyOf(requestMutations);
        this.responseMutations = List.copyOf(responseMutations);
    }

    /** Whether the request matches this route's path, headers, query parameters and gRPC condition. */
    boolean matches(RequestHead head) {
        if (!pathMatches(head.path())) {
            return false;
        }
        for (HeaderMatch h : headers) {
            if (!h.matches(head)) {
                return false;
            }
        }
        if (queries.length > 0) {
            String p = head.path();
            for (QueryMatch q : queries) {
                if (!q.matches(p)) {
                    return false;
                }
            }
        }
        if (grpcOnly) {
            String ct = head.header("content-type");
            return ct != null && ct.startsWith("application/grpc");
        }
        return true;
    }

    private boolean pathMatches(String requestPath) {
        return switch (kind) {
            case PREFIX -> caseSensitive ? requestPath.startsWith(path) : requestPath.regionMatches(true, 0, path, 0, path.length());
            case PATH -> {
                int end = pathEnd(requestPath);
                yield end == path.length() && (caseSensitive ? requestPath.startsWith(path)
                        : requestPath.regionMatches(true, 0, path, 0, end));
            }
            case SAFE_REGEX -> {
                int end = pathEnd(requestPath);
                yield regex.matches(end == requestPath.length() ? requestPath : requestPath.substring(0, end));
            }
            case PATH_SEPARATED_PREFIX -> {
                int end = pathEnd(requestPath);
                int n = path.length();
                boolean prefix = end >= n && (caseSensitive ? requestPath.startsWith(path)
                        : requestPath.regionMatches(true, 0, lowerPath, 0, n));
                yield prefix && (end == n || requestPath.charAt(n) == '/');
            }
        };
    }

    /** Where the path ends: before the query string or fragment. */
    static int pathEnd(String p) {
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '?' || c == '#') {
                return i;
            }
        }
        return p.length();
    }

    /**
     * The path to send upstream after {@code prefix_rewrite}: the matched prefix (or whole path for
     * path and regex matches) replaced, the query string kept. Returns the path unchanged without a rewrite.
     */
    public String rewritePath(String requestPath, String prefixRewrite) {
        if (prefixRewrite == null) {
            return requestPath;
        }
        int matched = switch (kind) {
            case PREFIX, PATH_SEPARATED_PREFIX -> path.length();
            case PATH, SAFE_REGEX -> pathEnd(requestPath);
        };
        return prefixRewrite + requestPath.substring(matched);
    }

    /**
     * The index of the weighted cluster for one request: a uniform value in {@code [0, total)}
     * selects the first entry whose cumulative weight exceeds it, as Envoy's weighted_clusters does.
     */
    public int pickCluster(long random) {
        long total = cumulativeWeights[cumulativeWeights.length - 1];
        long r = Long.remainderUnsigned(random, total);
        for (int i = 0; i < cumulativeWeights.length; i++) {
            if (r < cumulativeWeights[i]) {
                return i;
            }
        }
        throw new AssertionError("unreachable: r < total");
    }

    /** The cluster of weighted entry {@code i}, or {@code null} when no cluster has that name. */
    public ClusterRuntime cluster(int i) {
        return clusters[i];
    }

    public String clusterName(int i) {
        return clusterNames[i];
    }

    public int clusterCount() {
        return clusters.length;
    }

    public String name() {
        return name;
    }

    public String virtualHost() {
        return virtualHost;
    }

    public RouteActionSpec action() {
        return action;
    }

    /** Request header mutations, most specific first. */
    public List<HeaderMutationSpec> requestMutations() {
        return requestMutations;
    }

    /** Response header mutations, most specific first. */
    public List<HeaderMutationSpec> responseMutations() {
        return responseMutations;
    }

}
