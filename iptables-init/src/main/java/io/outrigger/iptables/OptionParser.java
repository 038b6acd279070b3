package io.outrigger.iptables;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses istio-iptables' command line (same letters, same meaning, Istio's long names accepted
 * too). Every error names the option and the value and says what was expected; nothing is
 * applied when parsing fails.
 */
final class OptionParser {

    /** The command line is wrong: exit status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static final String USAGE = """
            Usage: iptables-init [options]
            Installs the transparent-capture rules of an Outrigger (Istio-compatible) sidecar.

              -p, --envoy-port PORT              outbound capture port (default 15001)
              -z, --inbound-capture-port PORT    inbound capture port (default 15006)
              -u, --proxy-uid UID[,UID]          owners never captured (default 1337)
              -g, --proxy-gid GID[,GID]          groups never captured (default: the -u values)
              -m, --istio-inbound-interception-mode REDIRECT|TPROXY   (default REDIRECT)
              -b, --istio-inbound-ports PORTS|*  inbound ports captured; "" disables (default *)
              -d, --istio-local-exclude-ports PORTS
                                                 inbound ports not captured when -b is *
                                                 (15090,15021,15020,15000 always are)
              -i, --istio-service-cidr CIDRS|*   outbound destinations captured; "" disables (default *)
              -x, --istio-service-exclude-cidr CIDRS   outbound destinations not captured
              -o, --istio-local-outbound-ports-exclude PORTS   outbound ports not captured
              -q, --istio-outbound-ports PORTS   outbound ports always captured
              -t, --inbound-tproxy-mark MARK     TPROXY fwmark (default 1337)
              -r, --inbound-tproxy-route-table N TPROXY routing table (default 133)
                  --capture-dns, --redirect-dns  DNS (UDP and TCP 53) to port 15053
                  --ipv6 auto|on|off             ip6tables rules too (auto: if the pod has a global IPv6 address)
                  --dual-stack                   same as --ipv6 on
                  --iptables-mode nft|legacy     backend (default: detected like istio-iptables)
              -n, --dry-run                      print the restore input, change nothing
                  --cleanup, --cleanup-only      remove everything this tool installed
              -h, --help                         this text
            Exit status: 0 success, 1 failure applying rules, 2 bad command line.
            """;

    private OptionParser() {}

    static Invocation parse(String... args) throws UsageException {
        State s = new State();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inlineValue = null;
            if (arg.startsWith("--") && arg.indexOf('=') > 0) {
                name = arg.substring(0, arg.indexOf('='));
                inlineValue = arg.substring(arg.indexOf('=') + 1);
            }
            Option option = Option.byName(name);
            if (option == null) {
                throw new UsageException("unknown option: " + arg);
            }
            String value;
            if (option.takesValue) {
                if (inlineValue != null) {
                    value = inlineValue;
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException(name + ": missing value");
                }
            } else {
                value = inlineValue == null ? "true" : inlineValue;
            }
            s.apply(option, name, value);
        }
        return s.build();
    }

    private enum Option {
        OUTBOUND_PORT(true, "-p", "--envoy-port"),
        INBOUND_PORT(true, "-z", "--inbound-capture-port"),
        UID(true, "-u", "--proxy-uid"),
        GID(true, "-g", "--proxy-gid"),
        MODE(true, "-m", "--istio-inbound-interception-mode"),
        INBOUND_PORTS(true, "-b", "--istio-inbound-ports"),
        INBOUND_EXCLUDE(true, "-d", "--istio-local-exclude-ports"),
        OUTBOUND_CIDRS(true, "-i", "--istio-service-cidr"),
        OUTBOUND_EXCLUDE_CIDRS(true, "-x", "--istio-service-exclude-cidr"),
        OUTBOUND_EXCLUDE_PORTS(true, "-o", "--istio-local-outbound-ports-exclude"),
        OUTBOUND_INCLUDE_PORTS(true, "-q", "--istio-outbound-ports"),
        TPROXY_MARK(true, "-t", "--inbound-tproxy-mark"),
        TPROXY_TABLE(true, "-r", "--inbound-tproxy-route-table"),
        CAPTURE_DNS(false, "--capture-dns", "--redirect-dns"),
        IPV6(true, "--ipv6"),
        DUAL_STACK(false, "--dual-stack"),
        IPTABLES_MODE(true, "--iptables-mode"),
        DRY_RUN(false, "-n", "--dry-run"),
        CLEANUP(false, "--cleanup", "--cleanup-only"),
        HELP(false, "-h", "--help");

        final boolean takesValue;
        final List<String> names;

        Option(boolean takesValue, String... names) {
            this.takesValue = takesValue;
            this.names = List.of(names);
        }

        static Option byName(String name) {
            for (Option o : values()) {
                if (o.names.contains(name)) {
                    return o;
                }
            }
            return null;
        }
    }

    /** Values seen so far; defaults are the sidecar defaults. */
    private static final class State {
        int outboundPort = 15001;
        int inboundPort = 15006;
        List<Integer> uids = List.of(1337);
        List<Integer> gids;
        InboundMode mode = InboundMode.REDIRECT;
        CaptureOptions.PortSelection inboundPorts = CaptureOptions.PortSelection.ALL;
        List<Integer> inboundExclude = List.of();
        CaptureOptions.CidrSelection outboundCidrs = CaptureOptions.CidrSelection.ALL;
        List<Cidr> outboundExcludeCidrs = List.of();
        List<Integer> outboundExcludePorts = List.of();
        List<Integer> outboundIncludePorts = List.of();
        int tproxyMark = 1337;
        int tproxyTable = 133;
        boolean captureDns;
        Invocation.Ipv6Choice ipv6 = Invocation.Ipv6Choice.AUTO;
        Optional<IptablesMode> iptablesMode = Optional.empty();
        boolean dryRun;
        boolean cleanup;
        boolean help;

        void apply(Option option, String name, String value) throws UsageException {
            switch (option) {
                case OUTBOUND_PORT -> outboundPort = port(name, value);
                case INBOUND_PORT -> inboundPort = port(name, value);
                case UID -> uids = ids(name, value);
                case GID -> gids = ids(name, value);
                case MODE -> mode = switch (value.strip().toUpperCase(Locale.ROOT)) {
                    case "REDIRECT" -> InboundMode.REDIRECT;
                    case "TPROXY" -> InboundMode.TPROXY;
                    default -> throw bad(name, value, "REDIRECT or TPROXY");
                };
                case INBOUND_PORTS -> inboundPorts = value.strip().equals("*")
                        ? CaptureOptions.PortSelection.ALL
                        : new CaptureOptions.PortSelection(false, ports(name, value));
                case INBOUND_EXCLUDE -> inboundExclude = ports(name, value);
                case OUTBOUND_CIDRS -> outboundCidrs = value.strip().equals("*")
                        ? CaptureOptions.CidrSelection.ALL
                        : new CaptureOptions.CidrSelection(false, cidrs(name, value));
                case OUTBOUND_EXCLUDE_CIDRS -> {
                    if (value.strip().equals("*")) {
                        throw bad(name, value, "a comma-separated list of CIDRs; '*' would exclude everything, use -i \"\"");
                    }
                    outboundExcludeCidrs = cidrs(name, value);
                }
                case OUTBOUND_EXCLUDE_PORTS -> outboundExcludePorts = ports(name, value);
                case OUTBOUND_INCLUDE_PORTS -> outboundIncludePorts = ports(name, value);
                case TPROXY_MARK -> tproxyMark = positive(name, value);
                case TPROXY_TABLE -> tproxyTable = positive(name, value);
                case CAPTURE_DNS -> captureDns = bool(name, value);
                case IPV6 -> ipv6 = switch (value.strip().toLowerCase(Locale.ROOT)) {
                    case "auto" -> Invocation.Ipv6Choice.AUTO;
                    case "on", "true" -> Invocation.Ipv6Choice.ON;
                    case "off", "false" -> Invocation.Ipv6Choice.OFF;
                    default -> throw bad(name, value, "auto, on or off");
                };
                case DUAL_STACK -> ipv6 = bool(name, value) ? Invocation.Ipv6Choice.ON : ipv6;
                case IPTABLES_MODE -> iptablesMode = Optional.of(switch (value.strip().toLowerCase(Locale.ROOT)) {
                    case "nft" -> IptablesMode.NFT;
                    case "legacy" -> IptablesMode.LEGACY;
                    default -> throw bad(name, value, "nft or legacy");
                });
                case DRY_RUN -> dryRun = bool(name, value);
                case CLEANUP -> cleanup = bool(name, value);
                case HELP -> help = true;
            }
        }

        Invocation build() {
            CaptureOptions options = new CaptureOptions(outboundPort, inboundPort, uids, gids == null ? uids : gids, mode,
                    inboundPorts, inboundExclude, outboundCidrs, outboundExcludeCidrs, outboundExcludePorts,
                    outboundIncludePorts, captureDns, ipv6 == Invocation.Ipv6Choice.ON, tproxyMark, tproxyTable);
            Invocation.Action action = help ? Invocation.Action.HELP
                    : cleanup ? (dryRun ? Invocation.Action.CLEANUP_DRY_RUN : Invocation.Action.CLEANUP)
                    : dryRun ? Invocation.Action.DRY_RUN : Invocation.Action.INSTALL;
            return new Invocation(action, options, ipv6, iptablesMode);
        }
    }

    private static UsageException bad(String name, String value, String expected) {
        return new UsageException("invalid value for " + name + ": '" + value + "' (expected: " + expected + ")");
    }

    private static int port(String name, String value) throws UsageException {
        long n = number(name, value, "a port in 1..65535");
        if (n < 1 || n > 65535) {
            throw bad(name, value, "a port in 1..65535");
        }
        return (int) n;
    }

    private static List<Integer> ports(String name, String value) throws UsageException {
        List<Integer> out = new ArrayList<>();
        for (String item : items(value)) {
            long n = numberOrMinus(item);
            if (n < 1 || n > 65535) {
                throw new UsageException("invalid value for " + name + ": '" + item + "' in '" + value
                        + "' (expected: comma-separated ports in 1..65535)");
            }
            out.add((int) n);
        }
        return List.copyOf(out);
    }

    private static List<Integer> ids(String name, String value) throws UsageException {
        List<Integer> out = new ArrayList<>();
        for (String item : items(value)) {
            long n = numberOrMinus(item);
            // 4294967295 is (uid_t) -1, which the kernel never assigns.
            if (n < 0 || n >= 4294967295L) {
                throw new UsageException("invalid value for " + name + ": '" + item + "' in '" + value
                        + "' (expected: comma-separated numeric ids in 0..4294967294)");
            }
            out.add((int) n);
        }
        if (out.isEmpty()) {
            throw bad(name, value, "at least one numeric id");
        }
        return List.copyOf(out);
    }

    private static int positive(String name, String value) throws UsageException {
        long n = number(name, value, "an integer in 1..2147483647");
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw bad(name, value, "an integer in 1..2147483647");
        }
        return (int) n;
    }

    private static List<Cidr> cidrs(String name, String value) throws UsageException {
        List<Cidr> out = new ArrayList<>();
        for (String item : items(value)) {
            try {
                out.add(Cidr.parse(item));
            } catch (IllegalArgumentException e) {
                throw new UsageException("invalid value for " + name + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static boolean bool(String name, String value) throws UsageException {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(name, value, "true or false");
        };
    }

    private static long number(String name, String value, String expected) throws UsageException {
        long n = numberOrMinus(value.strip());
        if (n < 0) {
            throw bad(name, value, expected);
        }
        return n;
    }

    /** The decimal value, or -1 when the text is not a plain decimal number of at most 10 digits. */
    private static long numberOrMinus(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(s);
    }

    private static List<String> items(String value) {
        List<String> out = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                out.add(item.strip());
            }
        }
        return out;
    }
}
