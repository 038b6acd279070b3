package io.outrigger.xds.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * {@code config.rbac.v3.Principal}, the kinds a mesh uses: {@code any}, {@code authenticated} (by the
 * peer certificate's URI SAN, else its subject, as Envoy), and the {@code and_ids} / {@code or_ids} /
 * {@code not_id} combinators Istio wraps them in.
 *
 * @param principalName for {@link Kind#AUTHENTICATED}: the matcher, or {@code null} for any authenticated
 *                      peer; else {@code null}
 * @param ids the children of AND_IDS / OR_IDS, or the single child of NOT_ID; else empty
 */
public record PrincipalSpec(Kind kind, StringMatchSpec principalName, List<PrincipalSpec> ids) {
    /** The principal's oneof. */
    public enum Kind { ANY, AUTHENTICATED, AND_IDS, OR_IDS, NOT_ID }

    public PrincipalSpec {
        Objects.requireNonNull(kind, "kind");
        ids = List.copyOf(ids);
    }

    public static PrincipalSpec any() {
        return new PrincipalSpec(Kind.ANY, null, List.of());
    }

    public static PrincipalSpec authenticated(StringMatchSpec name) {
        return new PrincipalSpec(Kind.AUTHENTICATED, name, List.of());
    }
}
