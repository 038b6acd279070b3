package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code route.v3.VirtualHost}.
 *
 * @param domains as written: exact names, {@code *.suffix}, {@code prefix*}, or {@code *}
 * @param retryPolicy the virtual host's retry policy (used by routes without their own), or {@code null}
 */
public record VirtualHostSpec(String name, List<String> domains, List<RouteSpec> routes,
                              HeaderMutationSpec requestHeaders, HeaderMutationSpec responseHeaders,
                              RetryPolicySpec retryPolicy) {
    public VirtualHostSpec {
        Objects.requireNonNull(name, "name");
        domains = List.copyOf(domains);
        routes = List.copyOf(routes);
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
    }

    public VirtualHostSpec(String name, List<String> domains, List<RouteSpec> routes) {
        this(name, domains, routes, HeaderMutationSpec.NONE, HeaderMutationSpec.NONE, null);
    }
}
