package io.outrigger.proxy.http.route;

import com.google.re2j.Pattern;
import io.outrigger.xds.snapshot.StringMatcherSpec;
import java.util.Locale;
import java.util.Objects;

/** A compiled {@link StringMatcherSpec}; regexes are RE2 (linear time), matched against the whole value. */
final class StringMatch {
    private final StringMatcherSpec.Kind kind;
    private final String value;
    private final boolean ignoreCase;
    private final Pattern pattern;

    StringMatch(StringMatcherSpec spec) {
        Objects.requireNonNull(spec, "spec");
        this.kind = spec.kind();
        this.ignoreCase = spec.ignoreCase();
        this.value = ignoreCase ? spec.value().toLowerCase(Locale.ROOT) : spec.value();
        this.pattern = kind == StringMatcherSpec.Kind.REGEX ? Pattern.compile(spec.value()) : null;
    }

    boolean matches(String input) {
        if (input == null) {
            return false;
        }
        if (kind == StringMatcherSpec.Kind.REGEX) {
            return pattern.matches(input);
        }
        String s = ignoreCase ? input.toLowerCase(Locale.ROOT) : input;
        return switch (kind) {
            case EXACT -> s.equals(value);
            case PREFIX -> s.startsWith(value);
            case SUFFIX -> s.endsWith(value);
            case CONTAINS -> s.contains(value);
            case REGEX -> throw new AssertionError("handled above");
        };
    }
}
