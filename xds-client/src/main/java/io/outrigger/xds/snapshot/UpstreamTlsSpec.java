package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * {@code transport_socket} {@code envoy.transport_sockets.tls} of a cluster: {@code tls.v3.UpstreamTlsContext}.
 * Connections to the cluster's hosts originate TLS.
 *
 * @param sni the server name sent in the ClientHello ({@code sni}); empty: none
 */
public record UpstreamTlsSpec(CommonTlsSpec common, String sni) {
    public UpstreamTlsSpec {
        Objects.requireNonNull(common, "common");
        Objects.requireNonNull(sni, "sni");
    }
}
