package io.outrigger.iptables;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The init-container (and VM) entry point: installs, prints or removes the sidecar's capture
 * rules. Command line compatible with istio-iptables; see {@code --help}.
 *
 * <p>Exit status: 0 on success, 1 when applying failed (nothing is left installed), 2 when the
 * command line is wrong (nothing is applied).
 */
public final class IptablesInit {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private IptablesInit() {}

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, CommandRunner.local(), Path.of("/proc/net/if_inet6")));
    }

    /**
     * Runs the command line.
     *
     * @param ifInet6 the kernel's IPv6 address table, read to resolve {@code --ipv6 auto}
     * @return the exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err, CommandRunner runner, Path ifInet6) {
        Objects.requireNonNull(args, "args");
        Invocation invocation;
        try {
            invocation = OptionParser.parse(args);
        } catch (OptionParser.UsageException e) {
            err.println("iptables-init: " + e.getMessage());
            err.println("Try 'iptables-init --help'.");
            return EXIT_USAGE;
        }
        if (invocation.action() == Invocation.Action.HELP) {
            out.print(OptionParser.USAGE);
            return EXIT_OK;
        }
        boolean ipv6 = switch (invocation.ipv6Choice()) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> hasGlobalIpv6Address(ifInet6);
        };
        CaptureOptions options = invocation.options().withIpv6(ipv6);
        RuleSet rules = CaptureRules.build(options);
        if (invocation.action() == Invocation.Action.DRY_RUN) {
            out.print(rules.render());
            return EXIT_OK;
        }
        try {
            Backend backend = invocation.mode().map(Backend::new).orElseGet(() -> Backend.detect(runner));
            RuleApplier applier = new RuleApplier(runner, backend);
            switch (invocation.action()) {
                case INSTALL -> {
                    for (String binary : applier.requiredBinaries(rules)) {
                        if (runner.find(binary).isEmpty()) {
                            throw new CommandRunner.MissingBinaryException(binary, runner.path());
                        }
                    }
                    applier.install(rules, ownRoutes(options));
                    err.println("iptables-init: installed capture rules (" + backend.mode().name().toLowerCase(Locale.ROOT) + ", "
                            + (ipv6 ? "IPv4 and IPv6" : "IPv4") + ")");
                }
                case CLEANUP -> {
                    requireSaveAndRestore(runner, backend);
                    applier.cleanup(ownRoutes(options), true);
                    err.println("iptables-init: removed capture rules (" + backend.mode().name().toLowerCase(Locale.ROOT) + ")");
                }
                case CLEANUP_DRY_RUN -> {
                    requireSaveAndRestore(runner, backend);
                    for (IpFamily family : IpFamily.values()) {
                        if (runner.find(backend.save(family)).isPresent()) {
                            CommandRunner.Result saved = runner.run(backend.save(family), List.of(), "");
                            out.print("# " + backend.restore(family) + " --noflush\n");
                            out.print(RestorePlan.cleanup(family, SavedTables.parse(saved.stdout())));
                        }
                    }
                }
                default -> throw new IllegalStateException("unexpected action " + invocation.action());
            }
            return EXIT_OK;
        } catch (CommandRunner.MissingBinaryException e) {
            err.println("iptables-init: " + e.getMessage());
            return EXIT_FAILED;
        } catch (RuleApplier.ApplyException e) {
            err.println("iptables-init: " + e.getMessage());
            err.println("iptables-init: nothing was left installed");
            return EXIT_FAILED;
        } catch (RuntimeException e) {
            err.println("iptables-init: " + e);
            return EXIT_FAILED;
        }
    }

    private static void requireSaveAndRestore(CommandRunner runner, Backend backend) {
        for (String binary : List.of(backend.save(IpFamily.IPV4), backend.restore(IpFamily.IPV4))) {
            if (runner.find(binary).isEmpty()) {
                throw new CommandRunner.MissingBinaryException(binary, runner.path());
            }
        }
    }

    /**
     * The TPROXY policy routes of the given mark and table in both families: cleanup (and a
     * reinstall in REDIRECT mode) removes them whatever {@code -m} says now.
     */
    private static List<RuleSet.TproxyRoute> ownRoutes(CaptureOptions o) {
        return List.of(new RuleSet.TproxyRoute(IpFamily.IPV4, o.tproxyMark(), o.tproxyRouteTable()),
                new RuleSet.TproxyRoute(IpFamily.IPV6, o.tproxyMark(), o.tproxyRouteTable()));
    }

    /**
     * True when the network namespace has an IPv6 address of global scope, as a dual-stack pod
     * does ({@code /proc/net/if_inet6}: address, ifindex, prefix length, scope 00 = global, flags, name).
     */
    static boolean hasGlobalIpv6Address(Path ifInet6) {
        try {
            if (!Files.isReadable(ifInet6)) {
                return false;
            }
            for (String line : Files.readAllLines(ifInet6)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && f[3].equals("00") && !f[5].equals("lo")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
