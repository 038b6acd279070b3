package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/** {@code listener.v3.FilterChain}: a match and the network filters it runs, in order. */
public record FilterChainSpec(String name, FilterChainMatchSpec match, List<NetworkFilterSpec> filters) {
    public FilterChainSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        filters = List.copyOf(filters);
    }
}
