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
 * @param transparent {@code transparent}: the socket is {@code IP_TRANSPARENT}, so it accepts
 *                    connections TPROXY diverts to it whatever their destination address
 */
public record ListenerSpec(String name, SocketAddressSpec address, boolean bindToPort,
                           boolean useOriginalDst, List<ListenerFilterSpec> listenerFilters,
                           List<FilterChainSpec> filterChains, FilterChainSpec defaultFilterChain,
                           boolean transparent) {
    public ListenerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        listenerFilters = List.copyOf(listenerFilters);
        filterChains = List.copyOf(filterChains);
    }

    /** A listener that is not transparent. */
    public ListenerSpec(String name, SocketAddressSpec address, boolean bindToPort, boolean useOriginalDst,
                        List<ListenerFilterSpec> listenerFilters, List<FilterChainSpec> filterChains,
                        FilterChainSpec defaultFilterChain) {
        this(name, address, bindToPort, useOriginalDst, listenerFilters, filterChains, defaultFilterChain, false);
    }

    /**
     * Whether connections accepted here have their original destination restored, as Envoy's
     * {@code envoy.filters.listener.original_dst} does; {@code use_original_dst} implies that
     * filter, as in Envoy.
     */
    public boolean restoresOriginalDst() {
        if (useOriginalDst) {
            return true;
        }
        for (ListenerFilterSpec f : listenerFilters) {
            if (f.kind() == ListenerFilterSpec.Kind.ORIGINAL_DST) {
                return true;
            }
        }
        return false;
    }
}
