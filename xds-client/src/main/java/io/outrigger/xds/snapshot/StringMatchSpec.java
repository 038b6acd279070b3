package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * {@code type.matcher.v3.StringMatcher}: how a string (a SAN, a principal name) is compared.
 *
 * @param value the string, prefix, suffix, substring or RE2 regular expression
 * @param ignoreCase compare case-insensitively ({@code ignore_case}; not for {@link Kind#SAFE_REGEX})
 */
public record StringMatchSpec(Kind kind, String value, boolean ignoreCase) {
    /** The matcher's oneof. */
    public enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, SAFE_REGEX }

    public StringMatchSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }

    public static StringMatchSpec exact(String value) {
        return new StringMatchSpec(Kind.EXACT, value, false);
    }

    public static StringMatchSpec prefix(String value) {
        return new StringMatchSpec(Kind.PREFIX, value, false);
    }
}
