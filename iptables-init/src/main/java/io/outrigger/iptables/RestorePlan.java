package io.outrigger.iptables;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the desired rules of one family and the current {@code iptables-save} output into
 * {@code iptables-restore --noflush} input. Each table block is one transaction: it removes
 * whatever a previous run left (our rules in built-in chains, found by their comment; our chains),
 * then writes the new rules, so installing twice replaces instead of duplicating, and an empty
 * desired set is exactly the cleanup. Rules and chains that are not ours are never named.
 */
final class RestorePlan {

    private RestorePlan() {}

    /** Restore input that replaces our previous rules (if any) with {@code desired}. */
    static String install(RuleSet.FamilyRules desired, SavedTables current) {
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(current, "current");
        Set<String> tableNames = new LinkedHashSet<>();
        for (RuleSet.TableRules t : desired.tables()) {
            tableNames.add(t.name());
        }
        for (Map.Entry<String, SavedTables.Table> e : current.tables().entrySet()) {
            if (e.getValue().hasOwnState()) {
                tableNames.add(e.getKey());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String table : tableNames) {
            RuleSet.TableRules want = desired.tables().stream().filter(t -> t.name().equals(table)).findFirst()
                    .orElse(new RuleSet.TableRules(table, List.of(), List.of()));
            SavedTables.Table have = current.tables().get(table);
            sb.append('*').append(table).append('\n');
            // ":CHAIN - [0:0]" creates the chain, or flushes it when it exists, even with --noflush.
            for (String chain : want.chains()) {
                sb.append(':').append(chain).append(" - [0:0]\n");
            }
            if (have != null) {
                for (String rule : have.ownBuiltinRules()) {
                    sb.append("-D").append(rule.substring(2)).append('\n');
                }
                List<String> stale = new ArrayList<>(have.ownChains());
                stale.removeAll(want.chains());
                // Flush every stale chain before deleting any: they may jump to each other.
                for (String chain : stale) {
                    sb.append("-F ").append(chain).append('\n');
                }
                for (String chain : stale) {
                    sb.append("-X ").append(chain).append('\n');
                }
            }
            for (Rule rule : want.rules()) {
                sb.append(rule.toRestoreLine()).append('\n');
            }
            sb.append("COMMIT\n");
        }
        return sb.toString();
    }

    /** Restore input that removes everything we installed in this family (empty when nothing is). */
    static String cleanup(IpFamily family, SavedTables current) {
        return install(new RuleSet.FamilyRules(family, List.of()), current);
    }
}
