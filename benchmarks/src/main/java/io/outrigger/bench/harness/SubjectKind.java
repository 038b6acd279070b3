package io.outrigger.bench.harness;

import java.util.Locale;

/** What sits between the load generator and the backend in a side-by-side run. */
public enum SubjectKind {
    /** No proxy: the load generator talks to the backend. The floor every proxy is compared with. */
    DIRECT("direct"),
    /** {@code bin/outrigger -c <generated bootstrap>}. */
    OUTRIGGER("outrigger"),
    /** The Debian {@code haproxy} package. */
    HAPROXY("haproxy"),
    /** The Debian {@code nginx} package (stream module for TCP). */
    NGINX("nginx");

    private final String label;

    SubjectKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static SubjectKind fromLabel(String s) {
        for (SubjectKind k : values()) {
            if (k.label.equals(s.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("subject: " + s + " (expected: direct, outrigger, haproxy or nginx)");
    }
}
