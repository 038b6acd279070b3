package io.outrigger.xds.snapshot;

import java.util.Objects;

/** One entry of {@code match_typed_subject_alt_names}: a SAN type and a string matcher. */
public record SanMatcherSpec(SanType sanType, StringMatchSpec matcher) {
    /** {@code SubjectAltNameMatcher.SanType}. */
    public enum SanType { URI, DNS, EMAIL, IP_ADDRESS }

    public SanMatcherSpec {
        Objects.requireNonNull(sanType, "sanType");
        Objects.requireNonNull(matcher, "matcher");
    }
}
