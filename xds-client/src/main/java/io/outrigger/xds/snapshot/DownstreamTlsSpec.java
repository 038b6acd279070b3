package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * {@code transport_socket} {@code envoy.transport_sockets.tls} of a filter chain:
 * {@code tls.v3.DownstreamTlsContext}. The chain terminates TLS.
 *
 * @param requireClientCertificate {@code require_client_certificate}: mTLS (Istio STRICT and the TLS chain
 *                                 of PERMISSIVE)
 */
public record DownstreamTlsSpec(CommonTlsSpec common, boolean requireClientCertificate) {
    public DownstreamTlsSpec {
        Objects.requireNonNull(common, "common");
    }
}
