package io.outrigger.xds.config;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.outrigger.xds.snapshot.HeaderMatcherSpec;
import io.outrigger.xds.snapshot.HeaderMutationSpec;
import io.outrigger.xds.snapshot.QueryParameterMatcherSpec;
import io.outrigger.xds.snapshot.RetryPolicySpec;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.RouteConfigSpec;
import io.outrigger.xds.snapshot.RouteMatchSpec;
import io.outrigger.xds.snapshot.RouteSpec;
import io.outrigger.xds.snapshot.VirtualHostSpec;
import io.outrigger.xds.snapshot.WeightedClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code route.v3.RouteConfiguration}: inline in a connection manager, or from RDS. */
final class RouteConfigDecoder {
    private static final Set<String> FIELDS = Set.of("name", "virtual_hosts", "request_headers_to_add",
            "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove",
            "ignore_port_in_host_matching");
    private static final Map<String, String> IGNORED = Map.of(
            "validate_clusters", "route clusters are always checked against the clusters Outrigger knows");
    private static final Set<String> VHOST_FIELDS = Set.of("name", "domains", "routes", "request_headers_to_add",
            "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove", "retry_policy");
    private static final Map<String, String> VHOST_IGNORED = Map.of(
            "include_request_attempt_count", "x-envoy-attempt-count is not sent",
            "include_attempt_count_in_response", "x-envoy-attempt-count is not sent",
            "metadata", "read only by filters Outrigger does not implement");
    private static final Set<String> ROUTE_FIELDS = Set.of("name", "match", "route", "redirect", "direct_response",
            "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove");
    private static final Map<String, String> ROUTE_IGNORED = Map.of(
            "decorator", "tracing is not implemented (trace headers pass through untouched)",
            "metadata", "read only by filters Outrigger does not implement");
    private static final Set<String> MATCH_FIELDS = Set.of("prefix", "path", "safe_regex", "path_separated_prefix",
            "case_sensitive", "headers", "query_parameters", "grpc");
    private static final Set<String> ACTION_FIELDS = Set.of("cluster", "weighted_clusters", "cluster_header",
            "prefix_rewrite", "host_rewrite_literal", "timeout", "idle_timeout", "retry_policy", "max_stream_duration",
            "max_grpc_timeout");
    private static final Map<String, String> ACTION_IGNORED = Map.of(
            "upgrade_configs", "upgrades follow the connection manager's upgrade_configs",
            "hash_policy", "hash policies are not implemented; ring hash and Maglev clusters hash at random");
    private static final Set<String> RETRY_FIELDS = Set.of("retry_on", "num_retries", "per_try_timeout",
            "retriable_status_codes", "retry_back_off", "retry_host_predicate", "host_selection_retry_max_attempts");
    private static final String PREVIOUS_HOSTS = "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate";

    private RouteConfigDecoder() {
    }

    /** The route configuration, or {@code null} when any problem was added. */
    static RouteConfigSpec decode(RouteConfiguration rc, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(rc, path, problems, FIELDS, IGNORED);
        List<VirtualHostSpec> vhosts = new ArrayList<>();
        Map<String, String> domainOwner = new HashMap<>();
        for (int i = 0; i < rc.getVirtualHostsCount(); i++) {
            String vp = Problems.path(path, "virtual_hosts[" + i + "]");
            VirtualHostSpec v = virtualHost(rc.getVirtualHosts(i), vp, problems);
            if (v != null) {
                vhosts.add(v);
                for (String d : v.domains()) {
                    String earlier = domainOwner.putIfAbsent(d.toLowerCase(Locale.ROOT), v.name());
                    if (earlier != null) {
                        // Envoy: "Only unique values for domains are permitted."
                        problems.error(Problems.path(vp, "domains"), "domain \"" + d + "\" is also in virtual host \""
                                + earlier + "\" (expected: each domain in one virtual host only)");
                    }
                }
            }
        }
        HeaderMutationSpec req = mutation(rc.getRequestHeadersToAddList(), rc.getRequestHeadersToRemoveList(), path, "request", problems);
        HeaderMutationSpec resp = mutation(rc.getResponseHeadersToAddList(), rc.getResponseHeadersToRemoveList(), path, "response", problems);
        if (problems.errorCount() > before) {
            return null;
        }
        return new RouteConfigSpec(rc.getName(), vhosts, req, resp, rc.getIgnorePortInHostMatching());
    }

    private static VirtualHostSpec virtualHost(VirtualHost v, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(v, path, problems, VHOST_FIELDS, VHOST_IGNORED);
        if (v.getName().isEmpty()) {
            problems.error(Problems.path(path, "name"), "empty (expected: a virtual host name)");
        }
        if (v.getDomainsCount() == 0) {
            problems.error(Problems.path(path, "domains"), "empty (expected at least one domain, e.g. \"*\")");
        }
        for (int i = 0; i < v.getDomainsCount(); i++) {
            String d = v.getDomains(i);
            int stars = d.length() - d.replace("*", "").length();
            boolean ok = !d.isEmpty() && (stars == 0 || d.equals("*")
                    || (stars == 1 && (d.startsWith("*") || d.endsWith("*"))));
            if (!ok) {
                problems.error(Problems.path(path, "domains[" + i + "]"), "\"" + d + "\" (expected: a host name, "
                        + "\"*\", or one wildcard at the start (\"*.example.com\") or the end (\"example.*\"))");
            }
        }
        RetryPolicySpec vhostRetry = v.hasRetryPolicy() ? retry(v.getRetryPolicy(), Problems.path(path, "retry_policy"), problems) : null;
        List<RouteSpec> routes = new ArrayList<>();
        for (int i = 0; i < v.getRoutesCount(); i++) {
            RouteSpec r = route(v.getRoutes(i), Problems.path(path, "routes[" + i + "]"), vhostRetry, problems);
            if (r != null) {
                routes.add(r);
            }
        }
        HeaderMutationSpec req = mutation(v.getRequestHeadersToAddList(), v.getRequestHeadersToRemoveList(), path, "request", problems);
        HeaderMutationSpec resp = mutation(v.getResponseHeadersToAddList(), v.getResponseHeadersToRemoveList(), path, "response", problems);
        if (problems.errorCount() > before) {
            return null;
        }
        return new VirtualHostSpec(v.getName(), v.getDomainsList(), routes, req, resp, vhostRetry);
    }

    private static RouteSpec route(Route r, String path, RetryPolicySpec vhostRetry, Problems problems) {
        int before = problems.errorCount();
        Supported.check(r, path, problems, ROUTE_FIELDS, ROUTE_IGNORED);
        RouteMatchSpec match = null;
        if (!r.hasMatch()) {
            problems.error(Problems.path(path, "match"), "missing (expected e.g. match: {prefix: \"/\"})");
        } else {
            match = match(r.getMatch(), Problems.path(path, "match"), problems);
        }
        RouteActionSpec action = switch (r.getActionCase()) {
            case ROUTE -> forward(r.getRoute(), Problems.path(path, "route"), vhostRetry, problems);
            case REDIRECT -> redirect(r.getRedirect(), Problems.path(path, "redirect"), problems);
            case DIRECT_RESPONSE -> direct(r.getDirectResponse(), Problems.path(path, "direct_response"), problems);
            default -> {
                problems.error(path, "no action (expected one of: route, redirect, direct_response)");
                yield null;
            }
        };
        HeaderMutationSpec req = mutation(r.getRequestHeadersToAddList(), r.getRequestHeadersToRemoveList(), path, "request", problems);
        HeaderMutationSpec resp = mutation(r.getResponseHeadersToAddList(), r.getResponseHeadersToRemoveList(), path, "response", problems);
        if (problems.errorCount() > before || match == null || action == null) {
            return null;
        }
        return new RouteSpec(r.getName(), match, action, req, resp);
    }

    private static RouteMatchSpec match(RouteMatch m, String path, Problems problems) {
        Supported.check(m, path, problems, MATCH_FIELDS);
        RouteMatchSpec.PathKind kind;
        String value;
        switch (m.getPathSpecifierCase()) {
            case PREFIX -> {
                kind = RouteMatchSpec.PathKind.PREFIX;
                value = m.getPrefix();
            }
            case PATH -> {
                kind = RouteMatchSpec.PathKind.PATH;
                value = m.getPath();
            }
            case SAFE_REGEX -> {
                kind = RouteMatchSpec.PathKind.SAFE_REGEX;
                value = MatcherDecoder.regex(m.getSafeRegex(), Problems.path(path, "safe_regex"), problems);
            }
            case PATH_SEPARATED_PREFIX -> {
                kind = RouteMatchSpec.PathKind.PATH_SEPARATED_PREFIX;
                value = m.getPathSeparatedPrefix();
                if (!value.startsWith("/") || value.contains("?") || value.contains("#")
                        || (value.length() > 1 && value.endsWith("/"))) {
                    problems.error(Problems.path(path, "path_separated_prefix"), "\"" + value
                            + "\" (expected: a path starting with \"/\", without a trailing \"/\", \"?\" or \"#\")");
                }
            }
            default -> {
                problems.error(path, "no path specifier (expected one of: prefix, path, safe_regex, path_separated_prefix)");
                return null;
            }
        }
        List<HeaderMatcherSpec> headers = new ArrayList<>();
        for (int i = 0; i < m.getHeadersCount(); i++) {
            HeaderMatcherSpec h = MatcherDecoder.header(m.getHeaders(i), Problems.path(path, "headers[" + i + "]"), problems);
            if (h != null) {
                headers.add(h);
            }
        }
        List<QueryParameterMatcherSpec> query = new ArrayList<>();
        for (int i = 0; i < m.getQueryParametersCount(); i++) {
            QueryParameterMatcherSpec q = MatcherDecoder.query(m.getQueryParameters(i), Problems.path(path, "query_parameters[" + i + "]"), problems);
            if (q != null) {
                query.add(q);
            }
        }
        if (m.hasGrpc()) {
            Supported.check(m.getGrpc(), Problems.path(path, "grpc"), problems, Set.of());
        }
        boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
        return value == null ? null : new RouteMatchSpec(kind, value, caseSensitive, headers, query, m.hasGrpc());
    }

    private static RouteActionSpec.Forward forward(RouteAction a, String path, RetryPolicySpec vhostRetry, Problems problems) {
        int before = problems.errorCount();
        Supported.check(a, path, problems, ACTION_FIELDS, ACTION_IGNORED);
        List<WeightedClusterSpec> clusters = new ArrayList<>();
        String clusterHeader = null;
        switch (a.getClusterSpecifierCase()) {
            case CLUSTER -> {
                if (a.getCluster().isEmpty()) {
                    problems.error(Problems.path(path, "cluster"), "empty (expected: the name of a cluster)");
                } else {
                    clusters.add(new WeightedClusterSpec(a.getCluster(), 1));
                }
            }
            case CLUSTER_HEADER -> {
                if (a.getClusterHeader().isEmpty()) {
                    problems.error(Problems.path(path, "cluster_header"), "empty (expected: a header name)");
                } else {
                    clusterHeader = a.getClusterHeader().toLowerCase(Locale.ROOT);
                }
            }
            case WEIGHTED_CLUSTERS -> {
                String wp = Problems.path(path, "weighted_clusters");
                Supported.check(a.getWeightedClusters(), wp, problems, Set.of("clusters", "total_weight"));
                var list = a.getWeightedClusters().getClustersList();
                long total = 0;
                for (int i = 0; i < list.size(); i++) {
                    String cp = Problems.path(wp, "clusters[" + i + "]");
                    var c = list.get(i);
                    Supported.check(c, cp, problems, Set.of("name", "weight"));
                    long w = c.hasWeight() ? Integer.toUnsignedLong(c.getWeight().getValue()) : 0;
                    if (c.getName().isEmpty()) {
                        problems.error(Problems.path(cp, "name"), "missing (expected: the name of a cluster)");
                    } else if (w > Integer.MAX_VALUE) {
                        problems.error(Problems.path(cp, "weight"), w + " (expected: 0-" + Integer.MAX_VALUE + ")");
                    } else if (w > 0) {
                        // A zero weight takes no traffic: Envoy keeps it, we drop it.
                        clusters.add(new WeightedClusterSpec(c.getName(), (int) w));
                    }
                    total += w;
                }
                if (total == 0) {
                    problems.error(Problems.path(wp, "clusters"), "total weight 0 (expected: at least one cluster with weight >= 1)");
                }
                if (a.getWeightedClusters().hasTotalWeight() && a.getWeightedClusters().getTotalWeight().getValue() != total) {
                    problems.error(Problems.path(wp, "total_weight"), a.getWeightedClusters().getTotalWeight().getValue()
                            + " (expected: the sum of the weights, " + total + ")");
                }
            }
            default -> problems.error(Problems.path(path, "cluster"), "missing (expected one of: cluster, weighted_clusters, cluster_header)");
        }
        Duration timeout = RouteActionSpec.DEFAULT_TIMEOUT;
        if (a.hasTimeout()) {
            timeout = Supported.duration(a.getTimeout(), Problems.path(path, "timeout"), problems, true);
        }
        Duration idle = a.hasIdleTimeout() ? Supported.duration(a.getIdleTimeout(), Problems.path(path, "idle_timeout"), problems, true) : null;
        RetryPolicySpec retry = a.hasRetryPolicy() ? retry(a.getRetryPolicy(), Problems.path(path, "retry_policy"), problems) : vhostRetry;
        Duration maxGrpc = null;
        if (a.hasMaxStreamDuration()) {
            String mp = Problems.path(path, "max_stream_duration");
            var msd = a.getMaxStreamDuration();
            Supported.check(msd, mp, problems, Set.of("grpc_timeout_header_max"), Map.of(
                    "max_stream_duration", "the route timeout bounds streams",
                    "grpc_timeout_header_offset", "the grpc-timeout header is used as sent"));
            if (msd.hasGrpcTimeoutHeaderMax()) {
                maxGrpc = Supported.duration(msd.getGrpcTimeoutHeaderMax(), Problems.path(mp, "grpc_timeout_header_max"), problems, true);
            }
        }
        if (a.hasMaxGrpcTimeout()) {
            maxGrpc = Supported.duration(a.getMaxGrpcTimeout(), Problems.path(path, "max_grpc_timeout"), problems, true);
        }
        if (problems.errorCount() > before || timeout == null) {
            return null;
        }
        return new RouteActionSpec.Forward(clusters, clusterHeader,
                a.getPrefixRewrite().isEmpty() ? null : a.getPrefixRewrite(),
                a.hasHostRewriteLiteral() && !a.getHostRewriteLiteral().isEmpty() ? a.getHostRewriteLiteral() : null,
                timeout, idle, retry, maxGrpc);
    }

    static RetryPolicySpec retry(io.envoyproxy.envoy.config.route.v3.RetryPolicy r, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(r, path, problems, RETRY_FIELDS);
        Set<String> on = new java.util.LinkedHashSet<>();
        for (String c : r.getRetryOn().split(",")) {
            String t = c.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (!RetryPolicySpec.CONDITIONS.contains(t)) {
                problems.error(Problems.path(path, "retry_on"), "unknown retry condition \"" + t + "\" (expected some of: "
                        + String.join(", ", RetryPolicySpec.CONDITIONS.stream().sorted().toList()) + ")");
            } else {
                on.add(t);
            }
        }
        int num = r.hasNumRetries() ? (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(r.getNumRetries().getValue())) : 1;
        Duration perTry = r.hasPerTryTimeout() ? Supported.duration(r.getPerTryTimeout(), Problems.path(path, "per_try_timeout"), problems, true) : Duration.ZERO;
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < r.getRetriableStatusCodesCount(); i++) {
            int c = r.getRetriableStatusCodes(i);
            if (c < 100 || c > 599) {
                problems.error(Problems.path(path, "retriable_status_codes[" + i + "]"), c + " (expected: 100-599)");
            }
            codes.add(c);
        }
        Duration base = RetryPolicySpec.DEFAULT_BACKOFF_BASE;
        Duration max = null;
        if (r.hasRetryBackOff()) {
            String bp = Problems.path(path, "retry_back_off");
            Supported.check(r.getRetryBackOff(), bp, problems, Set.of("base_interval", "max_interval"));
            if (!r.getRetryBackOff().hasBaseInterval()) {
                problems.error(Problems.path(bp, "base_interval"), "missing (expected: a duration > 0, e.g. 0.025s)");
            } else {
                Duration b = Supported.duration(r.getRetryBackOff().getBaseInterval(), Problems.path(bp, "base_interval"), problems, false);
                base = b == null ? base : b;
            }
            if (r.getRetryBackOff().hasMaxInterval()) {
                max = Supported.duration(r.getRetryBackOff().getMaxInterval(), Problems.path(bp, "max_interval"), problems, false);
                if (max != null && max.compareTo(base) < 0) {
                    problems.error(Problems.path(bp, "max_interval"), "smaller than base_interval (expected: >= base_interval)");
                }
            }
        }
        boolean previousHosts = false;
        for (int i = 0; i < r.getRetryHostPredicateCount(); i++) {
            var p = r.getRetryHostPredicate(i);
            String pp = Problems.path(path, "retry_host_predicate[" + i + "]");
            if (PREVIOUS_HOSTS.equals(p.getTypedConfig().getTypeUrl()) || (!p.hasTypedConfig() && p.getName().equals("envoy.retry_host_predicates.previous_hosts"))) {
                previousHosts = true;
            } else {
                problems.error(pp, "unsupported retry host predicate \"" + p.getName() + "\" (Outrigger implements: envoy.retry_host_predicates.previous_hosts)");
            }
        }
        if (problems.errorCount() > before || perTry == null) {
            return null;
        }
        return new RetryPolicySpec(on, num, perTry, codes, base, max == null ? base.multipliedBy(10) : max, previousHosts,
                Math.max(1, r.getHostSelectionRetryMaxAttempts()));
    }

    private static RouteActionSpec.Redirect redirect(RedirectAction r, String path, Problems problems) {
        Supported.check(r, path, problems, Set.of("https_redirect", "scheme_redirect", "host_redirect", "port_redirect",
                "path_redirect", "prefix_rewrite", "response_code", "strip_query"));
        int code = switch (r.getResponseCode()) {
            case MOVED_PERMANENTLY -> 301;
            case FOUND -> 302;
            case SEE_OTHER -> 303;
            case TEMPORARY_REDIRECT -> 307;
            case PERMANENT_REDIRECT -> 308;
            case UNRECOGNIZED -> {
                problems.error(Problems.path(path, "response_code"), r.getResponseCodeValue() + " (expected: MOVED_PERMANENTLY, "
                        + "FOUND, SEE_OTHER, TEMPORARY_REDIRECT or PERMANENT_REDIRECT)");
                yield 301;
            }
        };
        String scheme = r.hasHttpsRedirect() && r.getHttpsRedirect() ? "https" : r.hasSchemeRedirect() ? r.getSchemeRedirect() : null;
        if (r.getPortRedirect() > 65535) {
            problems.error(Problems.path(path, "port_redirect"), r.getPortRedirect() + " (expected: 0-65535)");
        }
        return new RouteActionSpec.Redirect(scheme, r.getHostRedirect().isEmpty() ? null : r.getHostRedirect(),
                r.getPortRedirect(), r.hasPathRedirect() ? r.getPathRedirect() : null,
                r.hasPrefixRewrite() ? r.getPrefixRewrite() : null, code, r.getStripQuery());
    }

    private static RouteActionSpec.DirectResponse direct(DirectResponseAction d, String path, Problems problems) {
        Supported.check(d, path, problems, Set.of("status", "body"));
        if (d.getStatus() < 200 || d.getStatus() > 599) {
            problems.error(Problems.path(path, "status"), d.getStatus() + " (expected: 200-599)");
            return null;
        }
        String body = null;
        if (d.hasBody()) {
            String bp = Problems.path(path, "body");
            Supported.check(d.getBody(), bp, problems, Set.of("inline_string", "inline_bytes"));
            body = d.getBody().hasInlineString() ? d.getBody().getInlineString()
                    : d.getBody().getInlineBytes().toStringUtf8();
        }
        return new RouteActionSpec.DirectResponse(d.getStatus(), body);
    }

    static HeaderMutationSpec mutation(List<HeaderValueOption> add, List<String> remove, String path, String direction,
                                       Problems problems) {
        if (add.isEmpty() && remove.isEmpty()) {
            return HeaderMutationSpec.NONE;
        }
        List<HeaderMutationSpec.HeaderValueSpec> values = new ArrayList<>();
        for (int i = 0; i < add.size(); i++) {
            String hp = Problems.path(path, direction + "_headers_to_add[" + i + "]");
            HeaderValueOption o = add.get(i);
            Supported.check(o, hp, problems, Set.of("header", "append", "append_action"), Map.of(
                    "keep_empty_value", "headers with empty values are added as Envoy's default does not"));
            String name = o.getHeader().getKey().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                problems.error(Problems.path(hp, "header.key"), "empty (expected: a header name)");
                continue;
            }
            if (name.startsWith(":") || name.equals("host")) {
                problems.error(Problems.path(hp, "header.key"), "\"" + name + "\" (expected: not a pseudo-header or host; Envoy does not allow changing them here)");
                continue;
            }
            HeaderMutationSpec.AppendAction action;
            if (o.hasAppend()) {
                action = o.getAppend().getValue() ? HeaderMutationSpec.AppendAction.APPEND_IF_EXISTS_OR_ADD
                        : HeaderMutationSpec.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
            } else {
                action = switch (o.getAppendAction()) {
                    case APPEND_IF_EXISTS_OR_ADD, UNRECOGNIZED -> HeaderMutationSpec.AppendAction.APPEND_IF_EXISTS_OR_ADD;
                    case ADD_IF_ABSENT -> HeaderMutationSpec.AppendAction.ADD_IF_ABSENT;
                    case OVERWRITE_IF_EXISTS_OR_ADD -> HeaderMutationSpec.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
                    case OVERWRITE_IF_EXISTS -> HeaderMutationSpec.AppendAction.OVERWRITE_IF_EXISTS;
                };
            }
            if (o.getHeader().getValue().contains("%")) {
                problems.error(Problems.path(hp, "header.value"), "\"" + o.getHeader().getValue()
                        + "\" uses %COMMAND% substitution, which is not implemented (expected: a literal value)");
                continue;
            }
            values.add(new HeaderMutationSpec.HeaderValueSpec(name, o.getHeader().getValue(), action));
        }
        List<String> removed = new ArrayList<>();
        for (String r : remove) {
            removed.add(r.toLowerCase(Locale.ROOT));
        }
        return new HeaderMutationSpec(values, removed);
    }
}
