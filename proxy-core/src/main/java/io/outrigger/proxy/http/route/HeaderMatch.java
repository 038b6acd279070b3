package io.outrigger.proxy.http.route;

import io.outrigger.xds.snapshot.HeaderMatcherSpec;

/** A compiled {@link HeaderMatcherSpec}, with Envoy's treatment of absent headers and {@code invert_match}. */
final class HeaderMatch {
    private final String name;
    private final HeaderMatcherSpec.Kind kind;
    private final StringMatch string;
    private final long start;
    private final long end;
    private final boolean invert;

    HeaderMatch(HeaderMatcherSpec spec) {
        this.name = spec.name();
        this.kind = spec.kind();
        this.string = spec.string() == null ? null : new StringMatch(spec.string());
        this.start = spec.rangeStart();
        this.end = spec.rangeEnd();
        this.invert = spec.invert();
    }

    boolean matches(RequestHead head) {
        String v = head.header(name);
        boolean m = switch (kind) {
            case PRESENT -> v != null;
            case ABSENT -> v == null;
            case STRING -> string.matches(v);
            case RANGE -> inRange(v);
        };
        return m != invert;
    }

    private boolean inRange(String v) {
        if (v == null) {
            return false;
        }
        try {
            long n = Long.parseLong(v.strip());
            return n >= start && n < end;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
