package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * {@code route.v3.QueryParameterMatcher}.
 *
 * @param string the value match, or {@code null} for {@code present_match}
 */
public record QueryParameterMatcherSpec(String name, StringMatcherSpec string) {
    public QueryParameterMatcherSpec {
        Objects.requireNonNull(name, "name");
    }
}
