package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code listener.v3.FilterChain}: a match, the network filters it runs in order, and its transport socket.
 *
 * @param tls the chain's {@code DownstreamTlsContext} when it terminates TLS, {@code null} for raw_buffer
 */
public record FilterChainSpec(String name, FilterChainMatchSpec match, List<NetworkFilterSpec> filters,
                              DownstreamTlsSpec tls) {
    public FilterChainSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        filters = List.copyOf(filters);
    }

    /** A plaintext (raw_buffer) chain. */
    public FilterChainSpec(String name, FilterChainMatchSpec match, List<NetworkFilterSpec> filters) {
        this(name, match, filters, null);
    }
}
