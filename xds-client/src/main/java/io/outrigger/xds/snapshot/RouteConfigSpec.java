package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code route.v3.RouteConfiguration}: virtual hosts, and headers changed on every request and response.
 */
public record RouteConfigSpec(String name, List<VirtualHostSpec> virtualHosts, HeaderMutationSpec requestHeaders,
                              HeaderMutationSpec responseHeaders, boolean ignorePortInHostMatching) {
    public RouteConfigSpec {
        Objects.requireNonNull(name, "name");
        virtualHosts = List.copyOf(virtualHosts);
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
    }

    public RouteConfigSpec(String name, List<VirtualHostSpec> virtualHosts) {
        this(name, virtualHosts, HeaderMutationSpec.NONE, HeaderMutationSpec.NONE, false);
    }
}
