package io.outrigger.proxy.rbac;

import io.outrigger.proxy.stats.Stats;
import io.outrigger.xds.snapshot.PrincipalSpec;
import io.outrigger.xds.snapshot.RbacPolicySpec;
import io.outrigger.xds.snapshot.RbacSpec;
import io.outrigger.xds.snapshot.StringMatchSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Envoy's {@code envoy.filters.network.rbac}, evaluated once per connection after the TLS handshake, on the
 * peer's authenticated principal (its SPIFFE ID, the certificate's URI SAN). ALLOW: the connection passes
 * when a policy matches; DENY: it passes when none does; no rules: everything passes. Counts
 * {@code <stat_prefix>.rbac.allowed} / {@code denied}. Immutable and thread-safe; matchers are compiled when
 * the config is applied.
 */
public final class RbacFilter {
    private final RbacSpec.Action action;
    private final List<Policy> policies;
    private final LongAdder allowed;
    private final LongAdder denied;

    private record Policy(String name, List<Principal> principals) {
    }

    /** A principal compiled to a predicate over the peer's name (null: not authenticated). */
    @FunctionalInterface
    private interface Principal {
        boolean matches(String peer);
    }

    public RbacFilter(RbacSpec spec, Stats stats) {
        Objects.requireNonNull(spec, "spec");
        this.action = spec.action();
        List<Policy> ps = new ArrayList<>();
        for (RbacPolicySpec p : spec.policies()) {
            List<Principal> principals = new ArrayList<>();
            for (PrincipalSpec s : p.principals()) {
                principals.add(compile(s));
            }
            ps.add(new Policy(p.name(), List.copyOf(principals)));
        }
        this.policies = List.copyOf(ps);
        String prefix = spec.statPrefix();
        this.allowed = stats.rbacCounter(prefix, "allowed");
        this.denied = stats.rbacCounter(prefix, "denied");
    }

    /**
     * Decides for one connection and counts the decision.
     *
     * @param peerPrincipal the peer's authenticated name (its SPIFFE ID), or {@code null} for a plaintext peer
     *                      or one that presented no certificate
     */
    public boolean allows(String peerPrincipal) {
        boolean ok = decide(peerPrincipal);
        (ok ? allowed : denied).increment();
        return ok;
    }

    private boolean decide(String peer) {
        if (action == null) {
            return true;
        }
        boolean matched = matchingPolicy(peer) != null;
        return action == RbacSpec.Action.ALLOW ? matched : !matched;
    }

    /** The name of the first policy (by name) matching {@code peer}, or {@code null}. */
    public String matchingPolicy(String peer) {
        for (Policy p : policies) {
            for (Principal principal : p.principals()) {
                if (principal.matches(peer)) {
                    return p.name();
                }
            }
        }
        return null;
    }

    private static Principal compile(PrincipalSpec s) {
        return switch (s.kind()) {
            case ANY -> peer -> true;
            case AUTHENTICATED -> {
                if (s.principalName() == null) {
                    yield peer -> peer != null;
                }
                StringMatcher m = new StringMatcher(s.principalName());
                yield peer -> peer != null && m.matches(peer);
            }
            case AND_IDS -> {
                List<Principal> ids = s.ids().stream().map(RbacFilter::compile).toList();
                yield peer -> {
                    for (Principal p : ids) {
                        if (!p.matches(peer)) {
                            return false;
                        }
                    }
                    return true;
                };
            }
            case OR_IDS -> {
                List<Principal> ids = s.ids().stream().map(RbacFilter::compile).toList();
                yield peer -> {
                    for (Principal p : ids) {
                        if (p.matches(peer)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            case NOT_ID -> {
                Principal inner = compile(s.ids().getFirst());
                yield peer -> !inner.matches(peer);
            }
        };
    }

    /** Envoy's StringMatcher; {@code safe_regex} is RE2 (re2j), matched against the whole string. */
    static final class StringMatcher {
        private final StringMatchSpec spec;
        private final String value;
        private final com.google.re2j.Pattern regex;

        StringMatcher(StringMatchSpec spec) {
            this.spec = spec;
            this.value = spec.ignoreCase() ? spec.value().toLowerCase(Locale.ROOT) : spec.value();
            this.regex = spec.kind() == StringMatchSpec.Kind.SAFE_REGEX ? com.google.re2j.Pattern.compile(spec.value()) : null;
        }

        boolean matches(String s) {
            String v = spec.ignoreCase() ? s.toLowerCase(Locale.ROOT) : s;
            return switch (spec.kind()) {
                case EXACT -> v.equals(value);
                case PREFIX -> v.startsWith(value);
                case SUFFIX -> v.endsWith(value);
                case CONTAINS -> v.contains(value);
                case SAFE_REGEX -> regex.matches(s);
            };
        }
    }
}
