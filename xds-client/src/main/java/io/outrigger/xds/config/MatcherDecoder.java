package io.outrigger.xds.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.outrigger.xds.snapshot.HeaderMatcherSpec;
import io.outrigger.xds.snapshot.QueryParameterMatcherSpec;
import io.outrigger.xds.snapshot.StringMatcherSpec;
import java.util.Set;

/**
 * String, regex, header and query parameter matchers. Regexes are checked with RE2 (re2j), the
 * engine the data path matches with: linear time, no backreferences or lookaround, as Envoy's
 * {@code google_re2}.
 */
final class MatcherDecoder {
    private MatcherDecoder() {
    }

    /** The pattern, or {@code null} with a problem when RE2 rejects it. */
    static String regex(RegexMatcher m, String path, Problems problems) {
        Supported.check(m, path, problems, Set.of("google_re2", "regex"));
        String p = Problems.path(path, "regex");
        if (m.getRegex().isEmpty()) {
            problems.error(p, "empty (expected: an RE2 regular expression)");
            return null;
        }
        try {
            Pattern.compile(m.getRegex());
        } catch (PatternSyntaxException e) {
            problems.error(p, "\"" + m.getRegex() + "\" is not a valid RE2 regular expression: " + e.getDescription()
                    + " (RE2 has no backreferences or lookaround)");
            return null;
        }
        return m.getRegex();
    }

    static StringMatcherSpec string(StringMatcher m, String path, Problems problems) {
        Supported.check(m, path, problems, Set.of("exact", "prefix", "suffix", "safe_regex", "contains", "ignore_case"));
        boolean ic = m.getIgnoreCase();
        return switch (m.getMatchPatternCase()) {
            case EXACT -> new StringMatcherSpec(StringMatcherSpec.Kind.EXACT, m.getExact(), ic);
            case PREFIX -> nonEmpty(StringMatcherSpec.Kind.PREFIX, m.getPrefix(), ic, Problems.path(path, "prefix"), problems);
            case SUFFIX -> nonEmpty(StringMatcherSpec.Kind.SUFFIX, m.getSuffix(), ic, Problems.path(path, "suffix"), problems);
            case CONTAINS -> nonEmpty(StringMatcherSpec.Kind.CONTAINS, m.getContains(), ic, Problems.path(path, "contains"), problems);
            case SAFE_REGEX -> {
                if (ic) {
                    problems.error(Problems.path(path, "ignore_case"), "true with safe_regex (expected: false; Envoy rejects ignore_case for regexes)");
                }
                String r = regex(m.getSafeRegex(), Problems.path(path, "safe_regex"), problems);
                yield r == null ? null : new StringMatcherSpec(StringMatcherSpec.Kind.REGEX, r, false);
            }
            default -> {
                problems.error(path, "no match pattern (expected one of: exact, prefix, suffix, contains, safe_regex)");
                yield null;
            }
        };
    }

    private static StringMatcherSpec nonEmpty(StringMatcherSpec.Kind kind, String v, boolean ic, String path, Problems problems) {
        if (v.isEmpty()) {
            problems.error(path, "empty (expected: a non-empty string, as Envoy requires)");
            return null;
        }
        return new StringMatcherSpec(kind, v, ic);
    }

    static HeaderMatcherSpec header(HeaderMatcher h, String path, Problems problems) {
        Supported.check(h, path, problems, Set.of("name", "exact_match", "safe_regex_match", "range_match", "present_match",
                "prefix_match", "suffix_match", "contains_match", "string_match", "invert_match"));
        if (h.getName().isEmpty()) {
            problems.error(Problems.path(path, "name"), "empty (expected: a header name)");
            return null;
        }
        String name = h.getName().toLowerCase(java.util.Locale.ROOT);
        boolean inv = h.getInvertMatch();
        return switch (h.getHeaderMatchSpecifierCase()) {
            case EXACT_MATCH -> HeaderMatcherSpec.string(name, StringMatcherSpec.exact(h.getExactMatch()), inv);
            case PREFIX_MATCH -> legacy(name, StringMatcherSpec.Kind.PREFIX, h.getPrefixMatch(), inv, Problems.path(path, "prefix_match"), problems);
            case SUFFIX_MATCH -> legacy(name, StringMatcherSpec.Kind.SUFFIX, h.getSuffixMatch(), inv, Problems.path(path, "suffix_match"), problems);
            case CONTAINS_MATCH -> legacy(name, StringMatcherSpec.Kind.CONTAINS, h.getContainsMatch(), inv, Problems.path(path, "contains_match"), problems);
            case SAFE_REGEX_MATCH -> {
                String r = regex(h.getSafeRegexMatch(), Problems.path(path, "safe_regex_match"), problems);
                yield r == null ? null : HeaderMatcherSpec.string(name, new StringMatcherSpec(StringMatcherSpec.Kind.REGEX, r, false), inv);
            }
            case STRING_MATCH -> {
                StringMatcherSpec s = string(h.getStringMatch(), Problems.path(path, "string_match"), problems);
                yield s == null ? null : HeaderMatcherSpec.string(name, s, inv);
            }
            case PRESENT_MATCH -> h.getPresentMatch() ? HeaderMatcherSpec.present(name, inv)
                    : new HeaderMatcherSpec(name, HeaderMatcherSpec.Kind.ABSENT, null, 0, 0, inv);
            case RANGE_MATCH -> {
                long start = h.getRangeMatch().getStart();
                long end = h.getRangeMatch().getEnd();
                if (start >= end) {
                    problems.error(Problems.path(path, "range_match"), "start " + start + " >= end " + end
                            + " (expected: start < end; the range is [start, end))");
                    yield null;
                }
                yield HeaderMatcherSpec.range(name, start, end, inv);
            }
            // No specifier: Envoy matches when the header is present.
            case HEADERMATCHSPECIFIER_NOT_SET -> HeaderMatcherSpec.present(name, inv);
        };
    }

    private static HeaderMatcherSpec legacy(String name, StringMatcherSpec.Kind kind, String v, boolean inv, String path,
                                            Problems problems) {
        StringMatcherSpec s = nonEmpty(kind, v, false, path, problems);
        return s == null ? null : HeaderMatcherSpec.string(name, s, inv);
    }

    static QueryParameterMatcherSpec query(QueryParameterMatcher q, String path, Problems problems) {
        Supported.check(q, path, problems, Set.of("name", "string_match", "present_match"));
        if (q.getName().isEmpty()) {
            problems.error(Problems.path(path, "name"), "empty (expected: a query parameter name)");
            return null;
        }
        if (q.hasStringMatch()) {
            StringMatcherSpec s = string(q.getStringMatch(), Problems.path(path, "string_match"), problems);
            return s == null ? null : new QueryParameterMatcherSpec(q.getName(), s);
        }
        if (q.hasPresentMatch() && !q.getPresentMatch()) {
            problems.error(Problems.path(path, "present_match"), "false (expected: true; Envoy has no absent match for query parameters)");
            return null;
        }
        return new QueryParameterMatcherSpec(q.getName(), null);
    }
}
