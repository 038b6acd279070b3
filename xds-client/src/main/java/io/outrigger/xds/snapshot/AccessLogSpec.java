package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * An access log: {@code envoy.access_loggers.file} (path), or stdout/stderr
 * ({@code envoy.access_loggers.stdout} / {@code stderr}, path {@code /dev/stdout} / {@code /dev/stderr}).
 *
 * @param format the text format with Envoy's command operators, or {@code null} for Envoy's default format
 */
public record AccessLogSpec(String name, String path, String format) {
    public static final String STDOUT = "/dev/stdout";
    public static final String STDERR = "/dev/stderr";

    public AccessLogSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
    }
}
