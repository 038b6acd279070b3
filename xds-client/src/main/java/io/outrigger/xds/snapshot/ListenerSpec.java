package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code listener.v3.Listener}.
 *
 * @param bindToPort false for listeners that only receive connections handed over by a virtual
 *                   listener with {@code use_original_dst}
 * @param listenerFilters in order, e.g. original_dst, tls_inspector, http_inspector
 * @param filterChains in declaration order
 * @param defaultFilterChain the chain used when none matches, or {@code null}
 */
public record ListenerSpec(String name, SocketAddressSpec address, boolean bindToPort,
                           boolean useOriginalDst, List<ListenerFilterSpec> listenerFilters,
                           List<FilterChainSpec> filterChains, FilterChainSpec defaultFilterChain) {
    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        listenerFilters = List.copyOf(listenerFilters);
        filterChains = List.copyOf(filterChains);
    }
}
