package io.outrigger.iptables;

import java.util.List;
import java.util.Objects;

/**
 * Everything the capture rules depend on. The rule set is a pure function of this record
 * ({@link CaptureRules#build}); defaults follow what Istio's sidecar injector passes to
 * istio-iptables.
 *
 * @param outboundCapturePort {@code -p}: where outbound TCP is redirected (15001)
 * @param inboundCapturePort {@code -z}: where inbound TCP is redirected (15006)
 * @param proxyUids {@code -u}: owners whose traffic is never captured (the proxy, 1337)
 * @param proxyGids {@code -g}: groups whose traffic is never captured (default: same as uids)
 * @param inboundMode {@code -m}: REDIRECT (nat) or TPROXY (mangle)
 * @param inboundPorts {@code -b}: inbound ports to capture; {@code all} for {@code *}; empty
 *     list disables inbound capture
 * @param inboundPortsExclude {@code -d}: inbound ports left alone when all are captured (the
 *     proxy's own ports {@link #ALWAYS_EXCLUDED_INBOUND_PORTS} are always added)
 * @param outboundCidrs {@code -i}: destinations to capture; {@code all} for {@code *}; empty
 *     disables outbound capture (except {@code -q} ports)
 * @param outboundCidrsExclude {@code -x}: destinations never captured
 * @param outboundPortsExclude {@code -o}: destination ports never captured
 * @param outboundPortsInclude {@code -q}: destination ports always captured
 * @param captureDns {@code --capture-dns}: DNS (UDP and TCP port 53) goes to {@link #DNS_CAPTURE_PORT}
 * @param ipv6 whether ip6tables rules are written too
 * @param tproxyMark {@code -t}: the fwmark TPROXY sets and the policy route matches (1337)
 * @param tproxyRouteTable {@code -r}: the routing table delivering marked packets locally (133)
 */
record CaptureOptions(
        int outboundCapturePort,
        int inboundCapturePort,
        List<Integer> proxyUids,
        List<Integer> proxyGids,
        InboundMode inboundMode,
        PortSelection inboundPorts,
        List<Integer> inboundPortsExclude,
        CidrSelection outboundCidrs,
        List<Cidr> outboundCidrsExclude,
        List<Integer> outboundPortsExclude,
        List<Integer> outboundPortsInclude,
        boolean captureDns,
        boolean ipv6,
        int tproxyMark,
        int tproxyRouteTable) {

    /** The proxy's own inbound ports: Prometheus 15090, health 15021, merged stats 15020, admin 15000. */
    static final List<Integer> ALWAYS_EXCLUDED_INBOUND_PORTS = List.of(15090, 15021, 15020, 15000);

    /** Where captured DNS goes, as in Istio (the agent's DNS proxy). */
    static final int DNS_CAPTURE_PORT = 15053;

    /** The mark the proxy's own traffic to the pod over loopback carries in TPROXY mode (Istio's). */
    static final int TPROXY_OUTBOUND_MARK = 1338;

    CaptureOptions {
        Objects.requireNonNull(inboundMode, "inboundMode");
        Objects.requireNonNull(inboundPorts, "inboundPorts");
        Objects.requireNonNull(outboundCidrs, "outboundCidrs");
        proxyUids = List.copyOf(proxyUids);
        proxyGids = List.copyOf(proxyGids);
        inboundPortsExclude = List.copyOf(inboundPortsExclude);
        outboundCidrsExclude = List.copyOf(outboundCidrsExclude);
        outboundPortsExclude = List.copyOf(outboundPortsExclude);
        outboundPortsInclude = List.copyOf(outboundPortsInclude);
    }

    /** A copy with IPv6 rules switched on or off (resolved from {@code --ipv6 auto} at run time). */
    CaptureOptions withIpv6(boolean on) {
        return new CaptureOptions(outboundCapturePort, inboundCapturePort, proxyUids, proxyGids, inboundMode, inboundPorts,
                inboundPortsExclude, outboundCidrs, outboundCidrsExclude, outboundPortsExclude, outboundPortsInclude,
                captureDns, on, tproxyMark, tproxyRouteTable);
    }

    /** The sidecar defaults: capture everything in and out, proxy uid/gid 1337, REDIRECT mode, IPv4 only. */
    static CaptureOptions defaults() {
        return new CaptureOptions(15001, 15006, List.of(1337), List.of(1337), InboundMode.REDIRECT,
                PortSelection.ALL, List.of(), CidrSelection.ALL, List.of(), List.of(), List.of(), false, false,
                1337, 133);
    }

    /**
     * Inbound ports to capture: every port ({@code *}) or a list (empty: none).
     *
     * @param all true for {@code *}
     * @param ports the listed ports when not {@code all}
     */
    record PortSelection(boolean all, List<Integer> ports) {
        static final PortSelection ALL = new PortSelection(true, List.of());

        PortSelection {
            ports = List.copyOf(ports);
        }
    }

    /**
     * Outbound destinations to capture: every address ({@code *}) or a list (empty: none).
     *
     * @param all true for {@code *}
     * @param cidrs the listed ranges when not {@code all}
     */
    record CidrSelection(boolean all, List<Cidr> cidrs) {
        static final CidrSelection ALL = new CidrSelection(true, List.of());

        CidrSelection {
            cidrs = List.copyOf(cidrs);
        }
    }
}
