package io.outrigger.iptables;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies a {@link RuleSet} with {@code iptables-restore --noflush}, one restore run per address
 * family, and removes it again. iptables-restore commits table by table, so a rule that fails in
 * a later table (or in the IPv6 run, or in the policy routes) would leave the earlier ones in
 * place: on any failure the applier removes everything it owns before reporting the error, so a
 * failed install leaves nothing behind.
 */
final class RuleApplier {

    private static final List<String> RESTORE_ARGS = List.of("--noflush", "-w", "30");

    private final CommandRunner runner;
    private final Backend backend;

    RuleApplier(CommandRunner runner, Backend backend) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** Binaries this rule set needs, so a missing one is reported before anything changes. */
    List<String> requiredBinaries(RuleSet rules) {
        List<String> binaries = new ArrayList<>();
        for (RuleSet.FamilyRules f : rules.families()) {
            binaries.add(backend.save(f.family()));
            binaries.add(backend.restore(f.family()));
        }
        if (!rules.localSetupCommands().isEmpty()) {
            binaries.add("ip");
        }
        return binaries;
    }

    /** Installs {@code rules}, replacing what a previous run installed. */
    void install(RuleSet rules) throws ApplyException {
        install(rules, List.of());
    }

    /**
     * Installs {@code rules}, replacing what a previous run installed, including TPROXY policy
     * routes a previous run may have added ({@code previousRoutes}) that this rule set does not want.
     */
    void install(RuleSet rules, List<RuleSet.TproxyRoute> previousRoutes) throws ApplyException {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(previousRoutes, "previousRoutes");
        try {
            for (IpFamily family : IpFamily.values()) {
                boolean wanted = rules.families().stream().anyMatch(f -> f.family() == family);
                // A family no longer wanted still loses what an earlier run put there, unless the
                // kernel does not have it at all (ip6tables-save fails on an IPv4-only kernel).
                Optional<SavedTables> current = wanted ? Optional.of(save(family)) : saveIfAvailable(family);
                if (current.isPresent()) {
                    String input = RestorePlan.install(rules.family(family), current.get());
                    if (!input.isEmpty()) {
                        restore(family, input);
                    }
                }
            }
            for (RuleSet.TproxyRoute route : rules.routes()) {
                deleteRules(route);
            }
            List<RuleSet.TproxyRoute> stale = previousRoutes.stream().filter(r -> !rules.routes().contains(r)).toList();
            if (!stale.isEmpty() && runner.find("ip").isPresent()) {
                removeRoutes(stale);
            }
            for (List<String> command : rules.localSetupCommands()) {
                CommandRunner.Result r = runner.run("ip", command, "");
                if (!r.ok()) {
                    throw new ApplyException("ip " + String.join(" ", command) + " failed (exit " + r.exitCode() + "): "
                            + r.stderr().strip());
                }
            }
        } catch (ApplyException | RuntimeException e) {
            try {
                cleanup(rules.routes(), rules.ipv6PassthroughAddress());
            } catch (ApplyException | RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /**
     * Removes our rules and chains from every family present, the given TPROXY policy routes and,
     * if asked, the {@code ::6} loopback address. Safe to run when nothing is installed.
     */
    void cleanup(List<RuleSet.TproxyRoute> routes, boolean ipv6PassthroughAddress) throws ApplyException {
        ApplyException first = null;
        for (IpFamily family : IpFamily.values()) {
            try {
                Optional<SavedTables> current = family == IpFamily.IPV4 ? Optional.of(save(family)) : saveIfAvailable(family);
                if (current.isPresent()) {
                    String input = RestorePlan.cleanup(family, current.get());
                    if (!input.isEmpty()) {
                        restore(family, input);
                    }
                }
            } catch (ApplyException e) {
                first = first == null ? e : first;
            }
        }
        if ((!routes.isEmpty() || ipv6PassthroughAddress) && runner.find("ip").isPresent()) {
            removeRoutes(routes);
            if (ipv6PassthroughAddress
                    && runner.run("ip", List.of("-6", "addr", "show", "dev", "lo"), "").stdout().contains("::6/128")) {
                runner.run("ip", RuleSet.DELETE_IPV6_PASSTHROUGH, "");
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void removeRoutes(List<RuleSet.TproxyRoute> routes) {
        for (RuleSet.TproxyRoute route : routes) {
            deleteRules(route);
            if (runner.run("ip", List.of(route.family().ipFlag(), "route", "show", "table",
                    Integer.toString(route.table())), "").stdout().contains("local")) {
                runner.run("ip", route.deleteRoute(), "");
            }
        }
    }

    /** Deletes every {@code fwmark M lookup T} policy rule (there is one per run that added it). */
    private void deleteRules(RuleSet.TproxyRoute route) {
        // Bounded: a rule is deleted per iteration; "ip rule del" fails once none is left.
        for (int i = 0; i < 16; i++) {
            if (!runner.run("ip", route.deleteRule(), "").ok()) {
                return;
            }
        }
    }

    /**
     * The family's current tables, or empty when its binary is not installed or the kernel lacks
     * the family (nothing of ours can be there then).
     */
    private Optional<SavedTables> saveIfAvailable(IpFamily family) {
        String binary = backend.save(family);
        if (runner.find(binary).isEmpty()) {
            return Optional.empty();
        }
        CommandRunner.Result r = runner.run(binary, List.of(), "");
        return r.ok() ? Optional.of(SavedTables.parse(r.stdout())) : Optional.empty();
    }

    private SavedTables save(IpFamily family) throws ApplyException {
        String binary = backend.save(family);
        CommandRunner.Result r = runner.run(binary, List.of(), "");
        if (!r.ok()) {
            throw new ApplyException(binary + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        }
        return SavedTables.parse(r.stdout());
    }

    private void restore(IpFamily family, String input) throws ApplyException {
        String binary = backend.restore(family);
        CommandRunner.Result r = runner.run(binary, RESTORE_ARGS, input);
        if (!r.ok()) {
            throw new ApplyException(binary + " failed (exit " + r.exitCode() + "): " + r.stderr().strip()
                    + "\n--- restore input ---\n" + input);
        }
    }

    /** Applying or removing rules failed; the message carries the tool's own error. */
    static final class ApplyException extends Exception {
        private static final long serialVersionUID = 1L;

        ApplyException(String message) {
            super(message);
        }
    }
}
