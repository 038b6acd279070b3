package io.outrigger.iptables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The capture rules as a pure function of {@link CaptureOptions}. Chain names, rule order and
 * semantics follow istio-iptables so that Istio users can read {@code iptables-save} in an
 * Outrigger pod: outbound TCP goes to {@code ISTIO_OUTPUT} then {@code ISTIO_REDIRECT} (port 15001),
 * inbound TCP to {@code ISTIO_INBOUND} then {@code ISTIO_IN_REDIRECT} (port 15006, REDIRECT mode)
 * or {@code ISTIO_TPROXY}/{@code ISTIO_DIVERT} in the mangle table (TPROXY mode).
 */
final class CaptureRules {

    static final String NAT = "nat";
    static final String MANGLE = "mangle";
    static final String RAW = "raw";

    static final String ISTIO_INBOUND = "ISTIO_INBOUND";
    static final String ISTIO_REDIRECT = "ISTIO_REDIRECT";
    static final String ISTIO_IN_REDIRECT = "ISTIO_IN_REDIRECT";
    static final String ISTIO_OUTPUT = "ISTIO_OUTPUT";
    static final String ISTIO_OUTPUT_DNS = "ISTIO_OUTPUT_DNS";
    static final String ISTIO_DIVERT = "ISTIO_DIVERT";
    static final String ISTIO_TPROXY = "ISTIO_TPROXY";

    /** Every chain this tool may create; cleanup removes these (and only these) user chains. */
    static final Set<String> OWN_CHAINS = Set.of(ISTIO_INBOUND, ISTIO_REDIRECT, ISTIO_IN_REDIRECT, ISTIO_OUTPUT,
            ISTIO_OUTPUT_DNS, ISTIO_DIVERT, ISTIO_TPROXY);

    private CaptureRules() {}

    /** Builds the rule set; the same options always give the same rules, in the same order. */
    static RuleSet build(CaptureOptions options) {
        Objects.requireNonNull(options, "options");
        List<RuleSet.FamilyRules> families = new ArrayList<>();
        List<RuleSet.TproxyRoute> routes = new ArrayList<>();
        families.add(new FamilyBuilder(options, IpFamily.IPV4).build());
        if (options.ipv6()) {
            families.add(new FamilyBuilder(options, IpFamily.IPV6).build());
        }
        if (options.inboundMode() == InboundMode.TPROXY && inboundEnabled(options)) {
            routes.add(new RuleSet.TproxyRoute(IpFamily.IPV4, options.tproxyMark(), options.tproxyRouteTable()));
            if (options.ipv6()) {
                routes.add(new RuleSet.TproxyRoute(IpFamily.IPV6, options.tproxyMark(), options.tproxyRouteTable()));
            }
        }
        return new RuleSet(families, routes, options.ipv6());
    }

    static boolean inboundEnabled(CaptureOptions o) {
        return o.inboundPorts().all() || !o.inboundPorts().ports().isEmpty();
    }

    /** The inbound ports never captured: the user's {@code -d} list plus the proxy's own ports. */
    static List<Integer> inboundExcludedPorts(CaptureOptions o) {
        Set<Integer> ports = new LinkedHashSet<>(o.inboundPortsExclude());
        ports.addAll(CaptureOptions.ALWAYS_EXCLUDED_INBOUND_PORTS);
        return List.copyOf(ports);
    }

    /** Builds the tables of one family; rules are collected per table in the order they are added. */
    private static final class FamilyBuilder {
        private final CaptureOptions o;
        private final IpFamily family;
        private final Map<String, List<String>> chains = new LinkedHashMap<>();
        private final Map<String, List<Rule>> rules = new LinkedHashMap<>();

        FamilyBuilder(CaptureOptions options, IpFamily family) {
            this.o = options;
            this.family = family;
            // Table order as istio-iptables writes them: mangle, nat, raw.
            for (String table : List.of(MANGLE, NAT, RAW)) {
                chains.put(table, new ArrayList<>());
                rules.put(table, new ArrayList<>());
            }
        }

        RuleSet.FamilyRules build() {
            boolean tproxy = o.inboundMode() == InboundMode.TPROXY;
            boolean inbound = inboundEnabled(o);
            if (inbound && tproxy) {
                chain(MANGLE, ISTIO_DIVERT, ISTIO_TPROXY, ISTIO_INBOUND);
            }
            if (inbound && !tproxy) {
                chain(NAT, ISTIO_INBOUND);
            }
            chain(NAT, ISTIO_REDIRECT, ISTIO_IN_REDIRECT, ISTIO_OUTPUT);
            if (o.captureDns()) {
                chain(NAT, ISTIO_OUTPUT_DNS);
                chain(RAW, ISTIO_OUTPUT_DNS, ISTIO_INBOUND);
            }

            add(NAT, ISTIO_REDIRECT, List.of("-p", "tcp"), "outbound-capture",
                    "REDIRECT", "--to-ports", Integer.toString(o.outboundCapturePort()));
            add(NAT, ISTIO_IN_REDIRECT, List.of("-p", "tcp"), "inbound-capture",
                    "REDIRECT", "--to-ports", Integer.toString(o.inboundCapturePort()));
            if (inbound) {
                if (tproxy) {
                    tproxyInbound();
                } else {
                    redirectInbound();
                }
            }
            outbound();
            if (o.captureDns()) {
                dnsConntrackZones();
            }

            List<RuleSet.TableRules> tables = new ArrayList<>();
            for (String table : chains.keySet()) {
                if (!chains.get(table).isEmpty() || !rules.get(table).isEmpty()) {
                    tables.add(new RuleSet.TableRules(table, chains.get(table), rules.get(table)));
                }
            }
            return new RuleSet.FamilyRules(family, tables);
        }

        private void redirectInbound() {
            add(NAT, "PREROUTING", List.of("-p", "tcp"), "inbound", ISTIO_INBOUND);
            if (o.inboundPorts().all()) {
                for (int port : inboundExcludedPorts(o)) {
                    add(NAT, ISTIO_INBOUND, List.of("-p", "tcp", "--dport", Integer.toString(port)),
                            "inbound-excluded-port", "RETURN");
                }
                add(NAT, ISTIO_INBOUND, List.of("-p", "tcp"), "inbound-all-ports", ISTIO_IN_REDIRECT);
            } else {
                for (int port : includedInboundPorts()) {
                    add(NAT, ISTIO_INBOUND, List.of("-p", "tcp", "--dport", Integer.toString(port)),
                            "inbound-port", ISTIO_IN_REDIRECT);
                }
            }
        }

        /**
         * TPROXY: new inbound connections are handed to the transparent listener with their
         * original addresses; packets of established ones are marked and routed to it via
         * {@code lo} (policy route on the mark). The proxy's own connections to the app over
         * {@code lo} carry mark 1338 and are left alone.
         */
        private void tproxyInbound() {
            String mark = Integer.toString(o.tproxyMark());
            String outboundMark = Integer.toString(CaptureOptions.TPROXY_OUTBOUND_MARK);
            add(MANGLE, ISTIO_DIVERT, List.of(), "tproxy-divert-mark", "MARK", "--set-mark", mark);
            add(MANGLE, ISTIO_DIVERT, List.of(), "tproxy-divert-accept", "ACCEPT");
            add(MANGLE, ISTIO_TPROXY, List.of("!", "-d", family.loopbackHost(), "-p", "tcp"), "tproxy",
                    "TPROXY", "--tproxy-mark", mark + "/0xffffffff", "--on-port", Integer.toString(o.inboundCapturePort()));
            add(MANGLE, "PREROUTING", List.of("-p", "tcp"), "inbound", ISTIO_INBOUND);
            add(MANGLE, ISTIO_INBOUND, List.of("-p", "tcp", "-m", "mark", "--mark", mark), "tproxy-marked", "RETURN");
            add(MANGLE, ISTIO_INBOUND, List.of("-p", "tcp", "-s", family.inboundPassthroughSource(), "-i", "lo"),
                    "inbound-passthrough", "RETURN");
            add(MANGLE, ISTIO_INBOUND, List.of("-p", "tcp", "-i", "lo", "-m", "mark", "!", "--mark", outboundMark),
                    "tproxy-loopback", "RETURN");
            if (o.inboundPorts().all()) {
                for (int port : inboundExcludedPorts(o)) {
                    add(MANGLE, ISTIO_INBOUND, List.of("-p", "tcp", "--dport", Integer.toString(port)),
                            "inbound-excluded-port", "RETURN");
                }
                add(MANGLE, ISTIO_INBOUND, List.of("-p", "tcp", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED"),
                        "tproxy-established", ISTIO_DIVERT);
                add(MANGLE, ISTIO_INBOUND, List.of("-p", "tcp"), "inbound-all-ports", ISTIO_TPROXY);
            } else {
                for (int port : includedInboundPorts()) {
                    String p = Integer.toString(port);
                    add(MANGLE, ISTIO_INBOUND, List.of("-p", "tcp", "--dport", p, "-m", "conntrack", "--ctstate",
                            "RELATED,ESTABLISHED"), "tproxy-established", ISTIO_DIVERT);
                    add(MANGLE, ISTIO_INBOUND, List.of("-p", "tcp", "--dport", p), "inbound-port", ISTIO_TPROXY);
                }
            }
            add(MANGLE, "PREROUTING", List.of("-p", "tcp", "-m", "mark", "--mark", mark), "tproxy-save-mark",
                    "CONNMARK", "--save-mark");
            add(MANGLE, "OUTPUT", List.of("-p", "tcp", "-o", "lo", "-m", "mark", "--mark", mark), "tproxy-marked",
                    "RETURN");
            for (int uid : o.proxyUids()) {
                add(MANGLE, "OUTPUT", List.of("!", "-d", family.loopbackHost(), "-p", "tcp", "-o", "lo", "-m", "owner",
                        "--uid-owner", Integer.toString(uid)), "tproxy-proxy-to-pod", "MARK", "--set-mark", outboundMark);
            }
            for (int gid : o.proxyGids()) {
                add(MANGLE, "OUTPUT", List.of("!", "-d", family.loopbackHost(), "-p", "tcp", "-o", "lo", "-m", "owner",
                        "--gid-owner", Integer.toString(gid)), "tproxy-proxy-to-pod", "MARK", "--set-mark", outboundMark);
            }
            add(MANGLE, "OUTPUT", List.of("-p", "tcp", "-m", "connmark", "--mark", mark), "tproxy-restore-mark",
                    "CONNMARK", "--restore-mark");
        }

        private void outbound() {
            boolean dns = o.captureDns();
            // With DNS capture UDP must reach ISTIO_OUTPUT too; its TCP-only targets ignore other UDP.
            add(NAT, "OUTPUT", dns ? List.of() : List.of("-p", "tcp"), "outbound", ISTIO_OUTPUT);
            // Port exclusions come first: they must win over the loopback rules below.
            for (int port : o.outboundPortsExclude()) {
                add(NAT, ISTIO_OUTPUT, List.of("-p", "tcp", "--dport", Integer.toString(port)),
                        "outbound-excluded-port", "RETURN");
            }
            // The proxy forwards inbound traffic to the app from 127.0.0.6: let it straight in.
            add(NAT, ISTIO_OUTPUT, List.of("-o", "lo", "-s", family.inboundPassthroughSource()),
                    "inbound-passthrough", "RETURN");
            ownerRules("--uid-owner", o.proxyUids(), "proxy-uid");
            ownerRules("--gid-owner", o.proxyGids(), "proxy-gid");
            if (dns) {
                add(NAT, ISTIO_OUTPUT, List.of(), "dns", ISTIO_OUTPUT_DNS);
                String to = Integer.toString(CaptureOptions.DNS_CAPTURE_PORT);
                add(NAT, ISTIO_OUTPUT_DNS, List.of("-p", "tcp", "--dport", "53"), "dns-capture", "REDIRECT", "--to-ports", to);
                add(NAT, ISTIO_OUTPUT_DNS, List.of("-p", "udp", "--dport", "53"), "dns-capture", "REDIRECT", "--to-ports", to);
            }
            add(NAT, ISTIO_OUTPUT, List.of("-d", family.loopbackHost()), "loopback", "RETURN");
            for (Cidr cidr : ofFamily(o.outboundCidrsExclude())) {
                add(NAT, ISTIO_OUTPUT, List.of("-d", cidr.toString()), "outbound-excluded-cidr", "RETURN");
            }
            for (int port : o.outboundPortsInclude()) {
                add(NAT, ISTIO_OUTPUT, List.of("-p", "tcp", "--dport", Integer.toString(port)),
                        "outbound-included-port", ISTIO_REDIRECT);
            }
            if (o.outboundCidrs().all()) {
                add(NAT, ISTIO_OUTPUT, List.of(), "outbound-all", ISTIO_REDIRECT);
            } else {
                List<Cidr> included = ofFamily(o.outboundCidrs().cidrs());
                if (!included.isEmpty()) {
                    for (Cidr cidr : included) {
                        add(NAT, ISTIO_OUTPUT, List.of("-d", cidr.toString()), "outbound-included-cidr", ISTIO_REDIRECT);
                    }
                    add(NAT, ISTIO_OUTPUT, List.of(), "outbound-not-included", "RETURN");
                }
            }
        }

        /**
         * For each proxy uid (gid): its connections to the pod's own non-loopback address go to
         * the inbound listener (a call to a service this pod serves); other loopback traffic of
         * everyone else is the app talking to itself and is left alone; everything else the proxy
         * sends is never captured (no loop).
         */
        private void ownerRules(String ownerFlag, List<Integer> owners, String purpose) {
            boolean dns = o.captureDns();
            for (int owner : owners) {
                String id = Integer.toString(owner);
                List<String> toOwnPod = new ArrayList<>(List.of("-o", "lo", "!", "-d", family.loopbackHost(), "-p", "tcp"));
                if (dns) {
                    toOwnPod.addAll(List.of("!", "--dport", "53"));
                }
                toOwnPod.addAll(List.of("-m", "owner", ownerFlag, id));
                add(NAT, ISTIO_OUTPUT, toOwnPod, purpose + "-to-own-pod", ISTIO_IN_REDIRECT);
                List<String> appLoopback = new ArrayList<>(List.of("-o", "lo"));
                if (dns) {
                    // DNS to a loopback resolver is still captured.
                    appLoopback.addAll(List.of("-p", "tcp", "!", "--dport", "53"));
                }
                appLoopback.addAll(List.of("-m", "owner", "!", ownerFlag, id));
                add(NAT, ISTIO_OUTPUT, appLoopback, "app-loopback", "RETURN");
                add(NAT, ISTIO_OUTPUT, List.of("-m", "owner", ownerFlag, id), purpose, "RETURN");
            }
        }

        /**
         * Separate conntrack zones keep the app's redirected DNS flows (zone 2) apart from the
         * proxy's upstream DNS flows (zone 1), so a reused source port cannot match the wrong
         * NAT entry. Same zones as Istio.
         */
        private void dnsConntrackZones() {
            add(RAW, "OUTPUT", List.of("-p", "udp"), "dns", ISTIO_OUTPUT_DNS);
            String dnsPort = Integer.toString(CaptureOptions.DNS_CAPTURE_PORT);
            for (int uid : o.proxyUids()) {
                String id = Integer.toString(uid);
                add(RAW, ISTIO_OUTPUT_DNS, List.of("-p", "udp", "--dport", "53", "-m", "owner", "--uid-owner", id),
                        "dns-zone-proxy-upstream", "CT", "--zone", "1");
                add(RAW, ISTIO_OUTPUT_DNS, List.of("-p", "udp", "--sport", dnsPort, "-m", "owner", "--uid-owner", id),
                        "dns-zone-proxy-answer", "CT", "--zone", "2");
            }
            for (int gid : o.proxyGids()) {
                String id = Integer.toString(gid);
                add(RAW, ISTIO_OUTPUT_DNS, List.of("-p", "udp", "--dport", "53", "-m", "owner", "--gid-owner", id),
                        "dns-zone-proxy-upstream", "CT", "--zone", "1");
                add(RAW, ISTIO_OUTPUT_DNS, List.of("-p", "udp", "--sport", dnsPort, "-m", "owner", "--gid-owner", id),
                        "dns-zone-proxy-answer", "CT", "--zone", "2");
            }
            // The first CT target a packet meets wins, so the proxy's rules above take precedence.
            add(RAW, ISTIO_OUTPUT_DNS, List.of("-p", "udp", "--dport", "53"), "dns-zone-app", "CT", "--zone", "2");
            add(RAW, "PREROUTING", List.of("-p", "udp"), "dns", ISTIO_INBOUND);
            add(RAW, ISTIO_INBOUND, List.of("-p", "udp", "--sport", "53"), "dns-zone-upstream-answer", "CT", "--zone", "1");
        }

        private List<Integer> includedInboundPorts() {
            List<Integer> excluded = CaptureOptions.ALWAYS_EXCLUDED_INBOUND_PORTS;
            return o.inboundPorts().ports().stream().filter(p -> !excluded.contains(p)).distinct().toList();
        }

        private List<Cidr> ofFamily(List<Cidr> cidrs) {
            return cidrs.stream().filter(c -> c.family() == family).distinct().toList();
        }

        private void chain(String table, String... names) {
            chains.get(table).addAll(List.of(names));
        }

        private void add(String table, String chain, List<String> matches, String purpose, String... target) {
            rules.get(table).add(new Rule(table, chain, matches, purpose, List.of(target)));
        }
    }
}
