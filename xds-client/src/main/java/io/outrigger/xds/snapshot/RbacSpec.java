package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code envoy.filters.network.rbac}: allow or deny a connection by its peer's identity once the TLS
 * handshake is done.
 *
 * @param statPrefix {@code stat_prefix}: stats are {@code <stat_prefix>.rbac.allowed} / {@code denied}
 * @param action ALLOW (only connections matching a policy pass) or DENY (connections matching a policy are
 *               refused); {@code null} when {@code rules} is absent, which allows everything (as Envoy)
 * @param policies the rules' policies in the order written (Envoy orders them by name for reporting)
 */
public record RbacSpec(String name, String statPrefix, Action action, List<RbacPolicySpec> policies)
        implements NetworkFilterSpec {
    /** {@code config.rbac.v3.RBAC.Action}; LOG is not supported. */
    public enum Action { ALLOW, DENY }

    public RbacSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(statPrefix, "statPrefix");
        policies = List.copyOf(policies);
    }
}
