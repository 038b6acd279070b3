package io.outrigger.xds.snapshot;

import java.util.Objects;

/** {@code route.v3.Route}: a match, what to do, and headers it changes. */
public record RouteSpec(String name, RouteMatchSpec match, RouteActionSpec action, HeaderMutationSpec requestHeaders,
                        HeaderMutationSpec responseHeaders) {
    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
    }

    public RouteSpec(String name, RouteMatchSpec match, RouteActionSpec action) {
        this(name, match, action, HeaderMutationSpec.NONE, HeaderMutationSpec.NONE);
    }
}
