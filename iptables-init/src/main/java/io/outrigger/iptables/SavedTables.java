package io.outrigger.iptables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code iptables-save} printed, parsed just enough to find our own chains and the rules we
 * added to built-in chains. Anything else is kept verbatim and never touched.
 *
 * @param tables per table name, in the order printed
 */
record SavedTables(Map<String, Table> tables) {

    SavedTables {
        tables = Map.copyOf(tables);
    }

    /**
     * One table.
     *
     * @param builtinChains chains with a policy (PREROUTING, OUTPUT, ...)
     * @param userChains chains without a policy
     * @param rules every {@code -A} line, as printed
     */
    record Table(List<String> builtinChains, List<String> userChains, List<String> rules) {
        Table {
            builtinChains = List.copyOf(builtinChains);
            userChains = List.copyOf(userChains);
            rules = List.copyOf(rules);
        }

        /** Our chains present in this table. */
        List<String> ownChains() {
            return userChains.stream().filter(CaptureRules.OWN_CHAINS::contains).toList();
        }

        /** The rules we appended to built-in chains (recognised by their comment), as printed. */
        List<String> ownBuiltinRules() {
            List<String> out = new ArrayList<>();
            for (String rule : rules) {
                String chain = chainOf(rule);
                if (builtinChains.contains(chain) && isOwn(rule)) {
                    out.add(rule);
                }
            }
            return out;
        }

        boolean hasOwnState() {
            return !ownChains().isEmpty() || !ownBuiltinRules().isEmpty();
        }
    }

    static SavedTables parse(String saveOutput) {
        Objects.requireNonNull(saveOutput, "saveOutput");
        Map<String, Table> tables = new LinkedHashMap<>();
        String table = null;
        List<String> builtin = new ArrayList<>();
        List<String> user = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        for (String raw : saveOutput.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("*")) {
                table = line.substring(1);
                builtin = new ArrayList<>();
                user = new ArrayList<>();
                rules = new ArrayList<>();
            } else if (line.equals("COMMIT")) {
                if (table != null) {
                    tables.put(table, new Table(builtin, user, rules));
                }
                table = null;
            } else if (line.startsWith(":")) {
                String[] parts = line.substring(1).split("\\s+");
                if (parts.length >= 2 && parts[1].equals("-")) {
                    user.add(parts[0]);
                } else {
                    builtin.add(parts[0]);
                }
            } else if (line.startsWith("-A ")) {
                rules.add(line);
            }
        }
        return new SavedTables(tables);
    }

    boolean hasOwnState() {
        return tables.values().stream().anyMatch(Table::hasOwnState);
    }

    static String chainOf(String rule) {
        String[] parts = rule.split("\\s+", 3);
        return parts.length >= 2 ? parts[1] : "";
    }

    /** True when the rule carries our comment, whatever quoting iptables-save used. */
    static boolean isOwn(String rule) {
        return rule.contains("--comment \"" + Rule.TAG + ":") || rule.contains("--comment " + Rule.TAG + ":");
    }
}
