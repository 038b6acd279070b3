package io.outrigger.iptables;

/**
 * The two address families the capture rules are written for. Each family has its own rule set,
 * its own restore binary and its own transaction.
 */
enum IpFamily {
    IPV4("iptables", "-4", "127.0.0.1/32", "127.0.0.6/32", "0.0.0.0/0"),
    IPV6("ip6tables", "-6", "::1/128", "::6/128", "::/0");

    private final String binaryPrefix;
    private final String ipFlag;
    private final String loopbackHost;
    private final String inboundPassthroughSource;
    private final String anyAddress;

    IpFamily(String binaryPrefix, String ipFlag, String loopbackHost, String inboundPassthroughSource,
            String anyAddress) {
        this.binaryPrefix = binaryPrefix;
        this.ipFlag = ipFlag;
        this.loopbackHost = loopbackHost;
        this.inboundPassthroughSource = inboundPassthroughSource;
        this.anyAddress = anyAddress;
    }

    /** {@code iptables} or {@code ip6tables}: the prefix of the restore/save binary names. */
    String binaryPrefix() {
        return binaryPrefix;
    }

    /** The {@code ip} command's family flag. */
    String ipFlag() {
        return ipFlag;
    }

    /** The loopback host route ({@code 127.0.0.1/32} or {@code ::1/128}). */
    String loopbackHost() {
        return loopbackHost;
    }

    /**
     * The source address the proxy binds when it forwards inbound traffic to the application
     * (Istio's {@code 127.0.0.6} / {@code ::6}); traffic from it is never captured again.
     */
    String inboundPassthroughSource() {
        return inboundPassthroughSource;
    }

    /** The default route's destination ({@code 0.0.0.0/0} or {@code ::/0}). */
    String anyAddress() {
        return anyAddress;
    }
}
