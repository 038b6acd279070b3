package io.outrigger.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Parsing the kernel's sockaddr structures as getsockopt(SO_ORIGINAL_DST) fills them on x86-64. */
class OriginalDestinationTest {
    @Test
    void sockaddrInGivesAddressAndNetworkOrderPort() {
        // sin_family AF_INET=2 (little endian), sin_port 8080 (big endian), 10.0.0.7, 8 bytes of zero
        ByteBuffer raw = ByteBuffer.wrap(HexFormat.of().parseHex("0200" + "1f90" + "0a000007" + "0000000000000000"));

        assertThat(OriginalDestination.parse(raw, true))
                .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("10.0.0.7"), 8080));
    }

    @Test
    void sockaddrIn6SkipsFlowInfo() {
        // AF_INET6=10, port 443, flowinfo 0, fd00::1, scope id 0
        ByteBuffer raw = ByteBuffer.wrap(HexFormat.of().parseHex("0a00" + "01bb" + "00000000"
                + "fd000000000000000000000000000001" + "00000000"));

        assertThat(OriginalDestination.parse(raw, false))
                .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("fd00::1"), 443));
    }
}
