package io.outrigger.tls.verify;

import java.util.Locale;
import java.util.Objects;

/**
 * One entry of Envoy's {@code match_typed_subject_alt_names}: a SAN type and a string matcher
 * ({@code exact}, {@code prefix}, {@code suffix}, {@code contains}, with {@code ignore_case}). A peer passes
 * when ANY configured matcher matches ANY of its SANs of that type, as in Envoy. Regular expressions are not
 * supported.
 *
 * @param sanType which SANs of the peer's leaf the matcher looks at
 * @param kind how {@code value} is compared
 * @param value the string to compare with (not empty, as Envoy requires)
 * @param ignoreCase compare case-insensitively (ASCII), as Envoy's {@code ignore_case}
 */
public record SanMatcher(SanType sanType, Kind kind, String value, boolean ignoreCase) {
    /** Envoy's {@code SubjectAltNameMatcher.SanType}. */
    public enum SanType {
        URI(6), DNS(2), EMAIL(1), IP_ADDRESS(7);

        private final int generalNameTag;

        SanType(int generalNameTag) {
            this.generalNameTag = generalNameTag;
        }

        /** The RFC 5280 GeneralName tag of this SAN type. */
        int generalNameTag() {
            return generalNameTag;
        }
    }

    /** Envoy's {@code StringMatcher} kinds we support. */
    public enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS }

    public SanMatcher {
        Objects.requireNonNull(sanType, "sanType");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() && kind != Kind.EXACT) {
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT) + ": empty (expected: a non-empty string)");
        }
        if (ignoreCase) {
            value = value.toLowerCase(Locale.ROOT);
        }
    }

    /** URI SAN equal to {@code value} (a SPIFFE ID). */
    public static SanMatcher uriExact(String value) {
        return new SanMatcher(SanType.URI, Kind.EXACT, value, false);
    }

    /** URI SAN starting with {@code value}, e.g. {@code spiffe://cluster.local/ns/prod/}. */
    public static SanMatcher uriPrefix(String value) {
        return new SanMatcher(SanType.URI, Kind.PREFIX, value, false);
    }

    /** URI SAN ending with {@code value}. */
    public static SanMatcher uriSuffix(String value) {
        return new SanMatcher(SanType.URI, Kind.SUFFIX, value, false);
    }

    /** URI SAN containing {@code value}. */
    public static SanMatcher uriContains(String value) {
        return new SanMatcher(SanType.URI, Kind.CONTAINS, value, false);
    }

    /** Whether one SAN value of type {@link #sanType()} matches. */
    public boolean matches(String san) {
        String s = ignoreCase ? san.toLowerCase(Locale.ROOT) : san;
        return switch (kind) {
            case EXACT -> s.equals(value);
            case PREFIX -> s.startsWith(value);
            case SUFFIX -> s.endsWith(value);
            case CONTAINS -> s.contains(value);
        };
    }
}
