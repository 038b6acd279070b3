package io.outrigger.iptables;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The complete capture configuration for one pod: per address family, the chains and rules of
 * each table, plus what lives outside iptables (TPROXY policy routing, the IPv6 {@code ::6}
 * loopback address). Immutable; built by {@link CaptureRules#build}.
 *
 * @param families the rules per family, IPv4 first
 * @param routes TPROXY policy routes, empty in REDIRECT mode
 * @param ipv6PassthroughAddress whether {@code ::6/128} is added to {@code lo} (the source the
 *     proxy binds for inbound IPv6 traffic to the app, as Istio does)
 */
record RuleSet(List<FamilyRules> families, List<TproxyRoute> routes, boolean ipv6PassthroughAddress) {

    /** The {@code ip} command that adds {@code ::6/128} to {@code lo} (idempotent: replace). */
    static final List<String> ADD_IPV6_PASSTHROUGH = List.of("-6", "addr", "replace", "::6/128", "dev", "lo");

    /** The {@code ip} command that removes it. */
    static final List<String> DELETE_IPV6_PASSTHROUGH = List.of("-6", "addr", "del", "::6/128", "dev", "lo");

    RuleSet {
        families = List.copyOf(families);
        routes = List.copyOf(routes);
    }

    /** The rules of one family, or an empty set when that family is not configured. */
    FamilyRules family(IpFamily family) {
        for (FamilyRules f : families) {
            if (f.family() == family) {
                return f;
            }
        }
        return new FamilyRules(family, List.of());
    }

    /** Returns a copy with {@code rule} appended to its table (tests feed rule sets that fail late). */
    RuleSet withExtraRule(IpFamily family, Rule rule) {
        List<FamilyRules> out = new ArrayList<>();
        for (FamilyRules f : families) {
            out.add(f.family() == family ? f.withRule(rule) : f);
        }
        return new RuleSet(out, routes, ipv6PassthroughAddress);
    }

    /**
     * What {@code --dry-run} prints: each family's restore input as applied to a pod without our
     * rules, then the {@code ip} commands, as {@code #} comment lines so the text stays valid
     * restore input.
     */
    String render() {
        StringBuilder sb = new StringBuilder();
        for (FamilyRules f : families) {
            sb.append("# ").append(f.family().binaryPrefix()).append("-restore --noflush\n");
            sb.append(f.render());
        }
        for (List<String> command : localSetupCommands()) {
            sb.append("# ip ").append(String.join(" ", command)).append('\n');
        }
        return sb.toString();
    }

    /** The {@code ip} commands (without the leading {@code ip}) that install the local setup. */
    List<List<String>> localSetupCommands() {
        List<List<String>> commands = new ArrayList<>();
        if (ipv6PassthroughAddress) {
            commands.add(ADD_IPV6_PASSTHROUGH);
        }
        for (TproxyRoute r : routes) {
            commands.add(r.addRule());
            commands.add(r.replaceRoute());
        }
        return commands;
    }

    /**
     * The rules of one address family, grouped by table.
     *
     * @param family the family
     * @param tables tables in the order they are written
     */
    record FamilyRules(IpFamily family, List<TableRules> tables) {
        FamilyRules {
            Objects.requireNonNull(family, "family");
            tables = List.copyOf(tables);
        }

        FamilyRules withRule(Rule rule) {
            List<TableRules> out = new ArrayList<>(tables);
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).name().equals(rule.table())) {
                    List<Rule> rules = new ArrayList<>(out.get(i).rules());
                    rules.add(rule);
                    out.set(i, new TableRules(rule.table(), out.get(i).chains(), rules));
                    return new FamilyRules(family, out);
                }
            }
            out.add(new TableRules(rule.table(), List.of(), List.of(rule)));
            return new FamilyRules(family, out);
        }

        /** Restore input for a pod that has none of our rules yet. */
        String render() {
            StringBuilder sb = new StringBuilder();
            for (TableRules t : tables) {
                sb.append('*').append(t.name()).append('\n');
                for (String chain : t.chains()) {
                    sb.append(':').append(chain).append(" - [0:0]\n");
                }
                for (Rule r : t.rules()) {
                    sb.append(r.toRestoreLine()).append('\n');
                }
                sb.append("COMMIT\n");
            }
            return sb.toString();
        }
    }

    /**
     * The chains we create in one table and the rules we append, in order.
     *
     * @param name the table
     * @param chains our chains in this table
     * @param rules every rule, in both our chains and built-in ones
     */
    record TableRules(String name, List<String> chains, List<Rule> rules) {
        TableRules {
            Objects.requireNonNull(name, "name");
            chains = List.copyOf(chains);
            rules = List.copyOf(rules);
        }
    }

    /**
     * TPROXY's policy routing: packets carrying {@code mark} are looked up in {@code table},
     * which delivers everything locally, so the transparent listener receives them.
     *
     * @param family the family
     * @param mark the fwmark the TPROXY target sets
     * @param table the routing table number
     */
    record TproxyRoute(IpFamily family, int mark, int table) {
        List<String> addRule() {
            return List.of(family.ipFlag(), "rule", "add", "fwmark", Integer.toString(mark), "lookup", Integer.toString(table));
        }

        List<String> deleteRule() {
            return List.of(family.ipFlag(), "rule", "del", "fwmark", Integer.toString(mark), "lookup", Integer.toString(table));
        }

        List<String> replaceRoute() {
            return List.of(family.ipFlag(), "route", "replace", "local", family.anyAddress(), "dev", "lo", "table",
                    Integer.toString(table));
        }

        List<String> deleteRoute() {
            return List.of(family.ipFlag(), "route", "del", "local", family.anyAddress(), "dev", "lo", "table",
                    Integer.toString(table));
        }
    }
}
