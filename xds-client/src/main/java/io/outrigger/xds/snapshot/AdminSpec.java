package io.outrigger.xds.snapshot;

import java.util.Objects;

/** The admin server: {@code admin.address}, 127.0.0.1:15000 when the bootstrap names none. */
public record AdminSpec(SocketAddressSpec address) {
    public static final AdminSpec DEFAULT = new AdminSpec(new SocketAddressSpec("127.0.0.1", 15000));

    public AdminSpec {
        Objects.requireNonNull(address, "address");
    }
}
