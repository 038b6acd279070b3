package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code cluster.upstream_bind_config} ({@code core.v3.BindConfig}): the local address upstream
 * connections are bound to before they connect, e.g. Istio's {@code 127.0.0.6} for inbound
 * passthrough, so the pod's own capture rules recognise the proxy's traffic to the app.
 *
 * @param sourceAddress {@code source_address}: an IP literal, port 0 for an ephemeral port
 * @param extraSourceAddresses {@code extra_source_addresses[].address}: one per other IP family;
 *                             a connection uses the source whose family matches the upstream
 *                             host's, else {@code sourceAddress}, as Envoy does
 */
public record UpstreamBindSpec(SocketAddressSpec sourceAddress, List<SocketAddressSpec> extraSourceAddresses) {
    public UpstreamBindSpec {
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        extraSourceAddresses = List.copyOf(extraSourceAddresses);
    }
}
