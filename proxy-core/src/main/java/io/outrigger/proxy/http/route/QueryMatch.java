package io.outrigger.proxy.http.route;

import io.outrigger.xds.snapshot.QueryParameterMatcherSpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A compiled {@link QueryParameterMatcherSpec}: the first value of the parameter, URL-decoded. */
final class QueryMatch {
    private final String name;
    private final StringMatch string;

    QueryMatch(QueryParameterMatcherSpec spec) {
        this.name = spec.name();
        this.string = spec.string() == null ? null : new StringMatch(spec.string());
    }

    boolean matches(String path) {
        String v = firstValue(path, name);
        if (v == null) {
            return false;
        }
        return string == null || string.matches(v);
    }

    /** The first value of {@code name} in the query of {@code path}, "" for a bare key, {@code null} when absent. */
    static String firstValue(String path, String name) {
        int q = path.indexOf('?');
        if (q < 0) {
            return null;
        }
        int end = path.indexOf('#', q);
        if (end < 0) {
            end = path.length();
        }
        int i = q + 1;
        while (i <= end) {
            int amp = path.indexOf('&', i);
            if (amp < 0 || amp > end) {
                amp = end;
            }
            int eq = path.indexOf('=', i);
            boolean hasValue = eq >= 0 && eq < amp;
            String key = decode(path.substring(i, hasValue ? eq : amp));
            if (key.equals(name)) {
                return hasValue ? decode(path.substring(eq + 1, amp)) : "";
            }
            i = amp + 1;
        }
        return null;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
