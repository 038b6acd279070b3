package io.outrigger.xds.snapshot;

import java.util.Objects;

/**
 * A listener filter by its well-known kind. Decoders accept only the kinds listed here.
 *
 * @param name the name as written in the config (for dumps and messages)
 */
public record ListenerFilterSpec(String name, Kind kind) {
    /** The listener filters we implement. */
    public enum Kind {
        ORIGINAL_DST,
        TLS_INSPECTOR,
        HTTP_INSPECTOR
    }

    public ListenerFilterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }
}
