package io.outrigger.proxy.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import io.outrigger.proxy.stats.Stats;
import io.outrigger.xds.snapshot.PrincipalSpec;
import io.outrigger.xds.snapshot.RbacPolicySpec;
import io.outrigger.xds.snapshot.RbacSpec;
import io.outrigger.xds.snapshot.StringMatchSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's network RBAC decisions on the peer's principal, and its allowed/denied counters. */
class RbacFilterTest {
    private static final String WEB = "spiffe://cluster.local/ns/default/sa/web";
    private static final String DB = "spiffe://cluster.local/ns/data/sa/db";

    private static RbacFilter filter(Stats stats, RbacSpec.Action action, PrincipalSpec... principals) {
        return new RbacFilter(new RbacSpec("envoy.filters.network.rbac", "tcp.", action,
                List.of(new RbacPolicySpec("p", List.of(principals)))), stats);
    }

    @Test
    void allowLetsOnlyMatchingPrincipalsInAndCountsBothWays() {
        Stats stats = new Stats();
        RbacFilter f = filter(stats, RbacSpec.Action.ALLOW, PrincipalSpec.authenticated(StringMatchSpec.exact(WEB)));

        assertThat(f.allows(WEB)).isTrue();
        assertThat(f.allows(DB)).isFalse();
        assertThat(f.allows(null)).as("plaintext peer").isFalse();
        assertThat(stats.value("tcp.rbac.allowed")).isEqualTo(1);
        assertThat(stats.value("tcp.rbac.denied")).isEqualTo(2);
    }

    @Test
    void denyRefusesMatchingPrincipalsAndLetsTheRestIn() {
        RbacFilter f = filter(new Stats(), RbacSpec.Action.DENY,
                PrincipalSpec.authenticated(StringMatchSpec.prefix("spiffe://cluster.local/ns/data/")));
        assertThat(f.allows(DB)).isFalse();
        assertThat(f.allows(WEB)).isTrue();
        assertThat(f.allows(null)).isTrue();
    }

    @Test
    void withoutRulesEverythingIsAllowedAsInEnvoy() {
        RbacFilter f = new RbacFilter(new RbacSpec("rbac", "no_rules", null, List.of()), new Stats());
        assertThat(f.allows(null)).isTrue();
        assertThat(f.allows(DB)).isTrue();
    }

    @Test
    void combinatorsAnyAuthenticatedAndRegexComposeAsIstioWritesThem() {
        PrincipalSpec anyAuthenticatedButDb = new PrincipalSpec(PrincipalSpec.Kind.AND_IDS, null, List.of(
                PrincipalSpec.authenticated(null),
                new PrincipalSpec(PrincipalSpec.Kind.NOT_ID, null, List.of(
                        PrincipalSpec.authenticated(new StringMatchSpec(StringMatchSpec.Kind.SAFE_REGEX, ".*/sa/db", false))))));
        RbacFilter f = filter(new Stats(), RbacSpec.Action.ALLOW, anyAuthenticatedButDb);
        assertThat(f.allows(WEB)).isTrue();
        assertThat(f.allows(DB)).isFalse();
        assertThat(f.allows(null)).isFalse();

        RbacFilter any = filter(new Stats(), RbacSpec.Action.ALLOW, new PrincipalSpec(PrincipalSpec.Kind.OR_IDS, null,
                List.of(PrincipalSpec.any())));
        assertThat(any.allows(null)).isTrue();
    }

    @Test
    void ignoreCaseAndSuffixMatchersCompareAsEnvoysStringMatcher() {
        RbacFilter f = filter(new Stats(), RbacSpec.Action.ALLOW,
                PrincipalSpec.authenticated(new StringMatchSpec(StringMatchSpec.Kind.SUFFIX, "/SA/WEB", true)));
        assertThat(f.allows(WEB)).isTrue();
        assertThat(f.allows(DB)).isFalse();
    }
}
