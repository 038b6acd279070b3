package io.outrigger.xds.config;

import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC;
import io.outrigger.xds.snapshot.PrincipalSpec;
import io.outrigger.xds.snapshot.RbacPolicySpec;
import io.outrigger.xds.snapshot.RbacSpec;
import io.outrigger.xds.snapshot.StringMatchSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code envoy.filters.network.rbac}: policies on the peer's authenticated identity. A network filter
 * sees no request, so permissions must be {@code any} (alone or inside and_rules/or_rules).
 */
final class RbacDecoder {
    static final String TYPE = MessageTypes.typeUrl(RBAC.getDescriptor());

    private static final Set<String> FIELDS = Set.of("stat_prefix", "rules", "enforcement_type");
    private static final Map<String, String> IGNORED = Map.of(
            "shadow_rules", "shadow (dry-run) rules are not evaluated",
            "shadow_rules_stat_prefix", "shadow (dry-run) rules are not evaluated");
    private static final Set<String> RULES_FIELDS = Set.of("action", "policies");
    private static final Set<String> POLICY_FIELDS = Set.of("permissions", "principals");
    private static final Set<String> PRINCIPAL_FIELDS = Set.of("any", "authenticated", "and_ids", "or_ids", "not_id");

    private RbacDecoder() {
    }

    static RbacSpec decode(String name, RBAC rbac, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(rbac, path, problems, FIELDS, IGNORED);
        if (rbac.getStatPrefix().isEmpty()) {
            problems.error(Problems.path(path, "stat_prefix"), "missing (expected: a non-empty stat_prefix, as Envoy requires)");
        }
        if (rbac.getEnforcementType() != RBAC.EnforcementType.ONE_TIME_ON_FIRST_BYTE) {
            problems.error(Problems.path(path, "enforcement_type"), rbac.getEnforcementType()
                    + " (expected: ONE_TIME_ON_FIRST_BYTE; identities do not change during a connection)");
        }
        RbacSpec.Action action = null;
        List<RbacPolicySpec> policies = new ArrayList<>();
        if (rbac.hasRules()) {
            String rp = Problems.path(path, "rules");
            var rules = rbac.getRules();
            Supported.check(rules, rp, problems, RULES_FIELDS);
            action = switch (rules.getAction()) {
                case ALLOW -> RbacSpec.Action.ALLOW;
                case DENY -> RbacSpec.Action.DENY;
                default -> {
                    problems.error(Problems.path(rp, "action"), rules.getAction() + " (expected: ALLOW or DENY)");
                    yield null;
                }
            };
            // Envoy keeps policies in a map ordered by name; the first match names the decision.
            for (Map.Entry<String, Policy> e : new TreeMap<>(rules.getPoliciesMap()).entrySet()) {
                RbacPolicySpec p = policy(e.getKey(), e.getValue(), Problems.path(rp, "policies[\"" + e.getKey() + "\"]"), problems);
                if (p != null) {
                    policies.add(p);
                }
            }
        }
        return problems.errorCount() > before ? null : new RbacSpec(name, rbac.getStatPrefix(), action, policies);
    }

    private static RbacPolicySpec policy(String name, Policy p, String path, Problems problems) {
        int before = problems.errorCount();
        Supported.check(p, path, problems, POLICY_FIELDS);
        if (p.getPermissionsCount() == 0) {
            problems.error(Problems.path(path, "permissions"), "empty (expected at least one, e.g. any: true)");
        }
        for (int i = 0; i < p.getPermissionsCount(); i++) {
            checkAnyPermission(p.getPermissions(i), Problems.path(path, "permissions[" + i + "]"), problems);
        }
        if (p.getPrincipalsCount() == 0) {
            problems.error(Problems.path(path, "principals"), "empty (expected at least one, e.g. any: true)");
        }
        List<PrincipalSpec> principals = new ArrayList<>();
        for (int i = 0; i < p.getPrincipalsCount(); i++) {
            PrincipalSpec ps = principal(p.getPrincipals(i), Problems.path(path, "principals[" + i + "]"), problems);
            if (ps != null) {
                principals.add(ps);
            }
        }
        return problems.errorCount() > before ? null : new RbacPolicySpec(name, principals);
    }

    private static void checkAnyPermission(Permission p, String path, Problems problems) {
        switch (p.getRuleCase()) {
            case ANY -> {
                if (!p.getAny()) {
                    problems.error(Problems.path(path, "any"), "false (expected: true)");
                }
            }
            case AND_RULES -> {
                for (int i = 0; i < p.getAndRules().getRulesCount(); i++) {
                    checkAnyPermission(p.getAndRules().getRules(i), Problems.path(path, "and_rules.rules[" + i + "]"), problems);
                }
            }
            case OR_RULES -> {
                for (int i = 0; i < p.getOrRules().getRulesCount(); i++) {
                    checkAnyPermission(p.getOrRules().getRules(i), Problems.path(path, "or_rules.rules[" + i + "]"), problems);
                }
            }
            default -> problems.error(path, "unsupported permission " + p.getRuleCase().name().toLowerCase(java.util.Locale.ROOT)
                    + " (Outrigger's network RBAC implements: any, and_rules, or_rules of any)");
        }
    }

    private static PrincipalSpec principal(Principal p, String path, Problems problems) {
        switch (p.getIdentifierCase()) {
            case ANY -> {
                if (!p.getAny()) {
                    problems.error(Problems.path(path, "any"), "false (expected: true)");
                    return null;
                }
                return PrincipalSpec.any();
            }
            case AUTHENTICATED -> {
                String ap = Problems.path(path, "authenticated");
                Supported.check(p.getAuthenticated(), ap, problems, Set.of("principal_name"));
                if (!p.getAuthenticated().hasPrincipalName()) {
                    return PrincipalSpec.authenticated(null);
                }
                StringMatchSpec m = TlsDecoder.stringMatcher(p.getAuthenticated().getPrincipalName(),
                        Problems.path(ap, "principal_name"), problems);
                return m == null ? null : PrincipalSpec.authenticated(m);
            }
            case AND_IDS, OR_IDS -> {
                boolean and = p.getIdentifierCase() == Principal.IdentifierCase.AND_IDS;
                var set = and ? p.getAndIds() : p.getOrIds();
                String sp = Problems.path(path, and ? "and_ids" : "or_ids");
                List<PrincipalSpec> ids = new ArrayList<>();
                for (int i = 0; i < set.getIdsCount(); i++) {
                    PrincipalSpec c = principal(set.getIds(i), Problems.path(sp, "ids[" + i + "]"), problems);
                    if (c != null) {
                        ids.add(c);
                    }
                }
                if (set.getIdsCount() == 0) {
                    problems.error(Problems.path(sp, "ids"), "empty (expected at least one principal)");
                }
                return new PrincipalSpec(and ? PrincipalSpec.Kind.AND_IDS : PrincipalSpec.Kind.OR_IDS, null, ids);
            }
            case NOT_ID -> {
                PrincipalSpec c = principal(p.getNotId(), Problems.path(path, "not_id"), problems);
                return c == null ? null : new PrincipalSpec(PrincipalSpec.Kind.NOT_ID, null, List.of(c));
            }
            default -> {
                problems.error(path, p.getIdentifierCase() == Principal.IdentifierCase.IDENTIFIER_NOT_SET
                        ? "empty principal (expected one of: " + String.join(", ", PRINCIPAL_FIELDS.stream().sorted().toList()) + ")"
                        : "unsupported principal " + p.getIdentifierCase().name().toLowerCase(java.util.Locale.ROOT)
                        + " (Outrigger's network RBAC implements: " + String.join(", ", PRINCIPAL_FIELDS.stream().sorted().toList()) + ")");
                return null;
            }
        }
    }
}
