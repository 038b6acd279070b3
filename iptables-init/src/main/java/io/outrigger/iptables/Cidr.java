package io.outrigger.iptables;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An address range in CIDR form, stored with its host bits cleared, as iptables stores it.
 *
 * @param family the address family
 * @param network the network address bytes (4 or 16), host bits zero
 * @param prefixLength the prefix length (0..32 or 0..128)
 */
record Cidr(IpFamily family, byte[] network, int prefixLength) {

    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    Cidr {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(network, "network");
        network = network.clone();
    }

    /**
     * Parses {@code 10.0.0.0/8}, {@code fd00::/8}, or a bare address (a host route).
     *
     * @throws IllegalArgumentException with a message saying what was expected
     */
    static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        InetAddress parsed;
        // Strict dotted quad: ofLiteral also takes shorthand such as "10.0.0" (= 10.0.0.0).
        if (address.indexOf(':') < 0 && !DOTTED_QUAD.matcher(address).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 CIDR (expected: e.g. 10.0.0.0/8 or fd00::/8)");
        }
        try {
            // ofLiteral never resolves host names: "example.com" is rejected, not looked up.
            parsed = address.indexOf(':') >= 0 ? Inet6Address.ofLiteral(address) : Inet4Address.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 CIDR (expected: e.g. 10.0.0.0/8 or fd00::/8)");
        }
        IpFamily family = parsed instanceof Inet6Address ? IpFamily.IPV6 : IpFamily.IPV4;
        int maxPrefix = family == IpFamily.IPV4 ? 32 : 128;
        int prefix = maxPrefix;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + text + "' has a bad prefix length (expected: 0.." + maxPrefix + ")");
            }
            prefix = Integer.parseInt(p);
            if (prefix > maxPrefix) {
                throw new IllegalArgumentException("'" + text + "' has a bad prefix length (expected: 0.." + maxPrefix + ")");
            }
        }
        byte[] bytes = parsed.getAddress();
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new Cidr(family, bytes, prefix);
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /** True when the range lies in the loopback block. */
    boolean isLoopback() {
        if (family == IpFamily.IPV4) {
            return (network[0] & 0xff) == 127 && prefixLength >= 8;
        }
        return prefixLength == 128 && Arrays.equals(network, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    }

    /** The form iptables-save prints: {@code 10.0.0.0/8}, {@code fd00::/8}. */
    @Override
    public String toString() {
        return (family == IpFamily.IPV4 ? ipv4(network) : ipv6(network)) + "/" + prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.family == family && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Objects.hash(family, prefixLength, Arrays.hashCode(network));
    }

    private static String ipv4(byte[] b) {
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }

    /** RFC 5952 text: lower case, longest run (length >= 2) of zero groups compressed to "::". */
    private static String ipv6(byte[] b) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
