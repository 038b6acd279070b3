package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * {@code type.matcher.v3.StringMatcher} (and the legacy header match fields).
 *
 * @param value the string, or the RE2 pattern for {@link Kind#REGEX}
 */
public record StringMatcherSpec(Kind kind, String value, boolean ignoreCase) {
    /** Which match. */
    public enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX }

    public StringMatcherSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }

    public static StringMatcherSpec exact(String value) {
        return new StringMatcherSpec(Kind.EXACT, value, false);
    }
}
