package io.outrigger.iptables;

import java.util.List;
import java.util.Objects;

/**
 * One iptables rule, appended to {@code chain} of {@code table}. Every rule carries the comment
 * {@code outrigger:<purpose>}: it says why the rule exists to whoever reads {@code iptables-save},
 * and it is how {@code --cleanup} finds our rules in built-in chains without touching anyone else's.
 *
 * @param table {@code nat}, {@code mangle} or {@code raw}
 * @param chain the chain the rule is appended to
 * @param matches the match arguments, in iptables syntax
 * @param purpose a short tag, no spaces
 * @param target the target and its options ({@code REDIRECT --to-ports 15001})
 */
record Rule(String table, String chain, List<String> matches, String purpose, List<String> target) {

    /** The comment prefix that marks a rule as ours. */
    static final String TAG = "outrigger";

    Rule {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(purpose, "purpose");
        matches = List.copyOf(matches);
        target = List.copyOf(target);
        if (purpose.isEmpty() || purpose.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("purpose: '" + purpose + "' (expected: a non-empty tag without spaces)");
        }
        if (target.isEmpty()) {
            throw new IllegalArgumentException("target: empty (expected: a target such as RETURN)");
        }
    }

    /** The line for iptables-restore: {@code -A CHAIN <matches> -m comment --comment outrigger:<purpose> -j <target>}. */
    String toRestoreLine() {
        StringBuilder sb = new StringBuilder("-A ").append(chain);
        for (String m : matches) {
            sb.append(' ').append(m);
        }
        sb.append(" -m comment --comment ").append(TAG).append(':').append(purpose).append(" -j");
        for (String t : target) {
            sb.append(' ').append(t);
        }
        return sb.toString();
    }
}
