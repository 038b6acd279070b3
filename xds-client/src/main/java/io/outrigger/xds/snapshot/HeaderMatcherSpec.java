package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * {@code route.v3.HeaderMatcher}.
 *
 * @param string the string match for {@link Kind#STRING}, else {@code null}
 * @param rangeStart inclusive start for {@link Kind#RANGE}
 * @param rangeEnd exclusive end for {@link Kind#RANGE}
 * @param invert {@code invert_match}
 */
public record HeaderMatcherSpec(String name, Kind kind, StringMatcherSpec string, long rangeStart, long rangeEnd,
                                boolean invert) {
    /** {@code present_match: true} is PRESENT; {@code present_match: false} is ABSENT. */
    public enum Kind { STRING, PRESENT, ABSENT, RANGE }

    public HeaderMatcherSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.STRING) != (string != null)) {
            throw new IllegalArgumentException("string: expected a string matcher exactly when kind is STRING");
        }
    }

    public static HeaderMatcherSpec string(String name, StringMatcherSpec m, boolean invert) {
        return new HeaderMatcherSpec(name, Kind.STRING, m, 0, 0, invert);
    }

    public static HeaderMatcherSpec present(String name, boolean invert) {
        return new HeaderMatcherSpec(name, Kind.PRESENT, null, 0, 0, invert);
    }

    public static HeaderMatcherSpec range(String name, long start, long end, boolean invert) {
        return new HeaderMatcherSpec(name, Kind.RANGE, null, start, end, invert);
    }
}
