package io.outrigger.xds.snapshot;

import java.util.List;

/**
 * {@code listener.v3.FilterChainMatch}. Empty lists and {@code null} mean "any".
 *
 * @param destinationPort the original destination port, or {@code null}
 * @param prefixRanges destination CIDRs such as {@code 10.0.0.0/8}
 * @param transportProtocol "tls", "raw_buffer", or {@code null}
 */
public record FilterChainMatchSpec(Integer destinationPort, List<String> prefixRanges,
                                   List<String> serverNames, String transportProtocol,
                                   List<String> applicationProtocols) {
    public static final FilterChainMatchSpec ANY =
            new FilterChainMatchSpec(null, List.of(), List.of(), null, List.of());

    public FilterChainMatchSpec {
        prefixRanges = List.copyOf(prefixRanges);
        serverNames = List.copyOf(serverNames);
        applicationProtocols = List.copyOf(applicationProtocols);
    }
}
