package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code config.rbac.v3.Policy}: matches when any principal matches. Its permissions must all be
 * {@code any: true} (directly or through and_rules/or_rules): a network filter sees no request.
 */
public record RbacPolicySpec(String name, List<PrincipalSpec> principals) {
    public RbacPolicySpec {
        Objects.requireNonNull(name, "name");
        principals = List.copyOf(principals);
    }
}
