package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * {@code core.v3.SocketAddress} with a TCP port: an IP literal, or a host name for DNS clusters.
 */
public record SocketAddressSpec(String address, int port) {
    public SocketAddressSpec {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    @Override
    public String toString() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
