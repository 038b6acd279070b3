package io.outrigger.iptables;

/** How inbound connections reach the proxy, with Istio's names ({@code -m REDIRECT|TPROXY}). */
enum InboundMode {
    /** NAT redirect: the proxy reads the original destination with {@code SO_ORIGINAL_DST}. */
    REDIRECT,
    /**
     * Transparent proxy in the mangle table: the connection keeps its original destination and
     * source, and the proxy's listener needs {@code IP_TRANSPARENT}.
     */
    TPROXY
}
