package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code route.v3.RouteMatch}.
 *
 * @param path the prefix, the path, the RE2 pattern or the separated prefix, per {@code kind}
 * @param caseSensitive {@code case_sensitive} (default true; not applied to regexes, as in Envoy)
 * @param grpcOnly {@code grpc: {}}: only requests with {@code content-type: application/grpc*}
 */
public record RouteMatchSpec(PathKind kind, String path, boolean caseSensitive, List<HeaderMatcherSpec> headers,
                             List<QueryParameterMatcherSpec> queryParameters, boolean grpcOnly) {
    /** Which of the {@code path_specifier} fields was set. */
    public enum PathKind { PREFIX, PATH, SAFE_REGEX, PATH_SEPARATED_PREFIX }

    public RouteMatchSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        queryParameters = List.copyOf(queryParameters);
    }

    public static RouteMatchSpec prefix(String prefix) {
        return new RouteMatchSpec(PathKind.PREFIX, prefix, true, List.of(), List.of(), false);
    }

    public RouteMatchSpec withHeaders(List<HeaderMatcherSpec> h) {
        return new RouteMatchSpec(kind, path, caseSensitive, h, queryParameters, grpcOnly);
    }

    public RouteMatchSpec withQueryParameters(List<QueryParameterMatcherSpec> q) {
        return new RouteMatchSpec(kind, path, caseSensitive, headers, q, grpcOnly);
    }
}
