package io.outrigger.xds.snapshot;

/**
 * {@code core.v3.DataSource} as TLS uses it: a file to read (and watch), or inline text
 * ({@code inline_string}, or {@code inline_bytes} as ISO-8859-1 text, which PEM is). Exactly one is set.
 *
 * @param filename the path as written, or {@code null}
 * @param inline the content, or {@code null}
 */
public record DataSourceSpec(String filename, String inline) {
    public DataSourceSpec {
        if ((filename == null) == (inline == null)) {
            throw new IllegalArgumentException("filename: " + filename + ", inline: " + (inline == null ? "null" : "set")
                    + " (expected: exactly one of them)");
        }
    }

    public static DataSourceSpec file(String filename) {
        return new DataSourceSpec(filename, null);
    }

    public static DataSourceSpec inline(String text) {
        return new DataSourceSpec(null, text);
    }

    /** For messages: the file name, or "inline data". */
    public String describe() {
        return filename != null ? filename : "inline data";
    }
}
