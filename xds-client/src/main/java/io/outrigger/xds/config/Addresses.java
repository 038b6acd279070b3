package io.outrigger.xds.config;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.outrigger.xds.snapshot.SocketAddressSpec;
import java.net.InetAddress;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code core.v3.Address}: TCP socket addresses only, IP literals where Envoy needs them. */
final class Addresses {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\\.?");

    /** Which address forms a place accepts. */
    enum Form {
        /** Listeners, STATIC and EDS endpoints: Envoy parses these as IP literals. */
        IP_LITERAL,
        /** STRICT_DNS and LOGICAL_DNS endpoints: resolved by DNS. */
        IP_OR_HOSTNAME
    }

    private Addresses() {
    }

    /**
     * The socket address at {@code path}, or {@code null} with problems added.
     *
     * @param minPort 0 where Envoy binds an ephemeral port (listeners), 1 where we connect
     * @param why what needs the IP literal, e.g. "a STATIC cluster", for the message
     */
    static SocketAddressSpec socket(Address address, String path, Problems problems, Form form, int minPort, String why) {
        if (!address.hasSocketAddress()) {
            if (address.getAddressCase() == Address.AddressCase.ADDRESS_NOT_SET) {
                problems.error(path, "missing socket_address (expected e.g. socket_address: {address: 127.0.0.1, port_value: 8080})");
            } else {
                problems.error(Problems.path(path, address.getAddressCase().name().toLowerCase(java.util.Locale.ROOT)),
                        "unsupported address kind (Outrigger implements: socket_address)");
            }
            return null;
        }
        Supported.check(address, path, problems, Set.of("socket_address"));
        SocketAddress sa = address.getSocketAddress();
        String sp = Problems.path(path, "socket_address");
        int before = problems.errorCount();
        Supported.check(sa, sp, problems, Set.of("address", "port_value", "protocol"));
        if (sa.getProtocol() != SocketAddress.Protocol.TCP) {
            problems.error(Problems.path(sp, "protocol"), sa.getProtocol() + " (expected: TCP; UDP is not implemented)");
        }
        String host = sa.getAddress();
        if (host.isEmpty()) {
            problems.error(Problems.path(sp, "address"), "missing (expected an IP address"
                    + (form == Form.IP_OR_HOSTNAME ? " or a host name" : "") + ")");
        } else if (form == Form.IP_LITERAL && !isIpLiteral(host)) {
            problems.error(Problems.path(sp, "address"), "\"" + host + "\" is not an IP address (" + why
                    + " needs an IP literal such as 10.0.0.1 or ::1; use a STRICT_DNS or LOGICAL_DNS cluster for host names)");
        } else if (form == Form.IP_OR_HOSTNAME && !isIpLiteral(host) && !HOSTNAME.matcher(host).matches()) {
            problems.error(Problems.path(sp, "address"), "\"" + host + "\" is neither an IP address nor a host name");
        }
        if (sa.getPortSpecifierCase() != SocketAddress.PortSpecifierCase.PORT_VALUE && minPort > 0) {
            problems.error(Problems.path(sp, "port_value"), "missing (expected: " + minPort + "-65535)");
        }
        int port = sa.getPortValue();
        if (port < minPort || port > 65535) {
            problems.error(Problems.path(sp, "port_value"), Integer.toUnsignedString(port)
                    + " (expected: " + minPort + "-65535)");
        }
        if (problems.errorCount() > before) {
            return null;
        }
        return new SocketAddressSpec(host, port);
    }

    static boolean isIpLiteral(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (s.indexOf(':') < 0) {
            return false;
        }
        try {
            InetAddress.ofLiteral(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code CidrRange} as {@code address/len}; Envoy reads a missing prefix_len as 0. */
    static String cidr(CidrRange range, String path, Problems problems) {
        Supported.check(range, path, problems, Set.of("address_prefix", "prefix_len"));
        String prefix = range.getAddressPrefix();
        if (!isIpLiteral(prefix)) {
            problems.error(Problems.path(path, "address_prefix"), "\"" + prefix + "\" is not an IP address (expected e.g. 10.0.0.0)");
            return null;
        }
        int len = range.hasPrefixLen() ? range.getPrefixLen().getValue() : 0;
        int max = prefix.indexOf(':') >= 0 ? 128 : 32;
        if (len < 0 || len > max) {
            problems.error(Problems.path(path, "prefix_len"), Integer.toUnsignedString(len) + " (expected: 0-" + max + ")");
            return null;
        }
        return prefix + "/" + len;
    }
}
