package io.outrigger.proxy.listener;

import java.net.InetAddress;
import java.util.Objects;

/** An address prefix such as {@code 10.0.0.0/8} or {@code ::1/128} ({@code core.v3.CidrRange}). */
record Cidr(byte[] network, int prefixLength) {
    Cidr {
        Objects.requireNonNull(network, "network");
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0-" + network.length * 8 + ")");
        }
    }

    /** Parses {@code address/length}; a bare address is a full-length prefix. */
    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = InetAddress.ofLiteral(addr).getAddress();
        int len = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
        return new Cidr(bytes, len);
    }

    /** Whether {@code address} (raw bytes, 4 or 16) lies in this prefix; families never mix. */
    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }
}
