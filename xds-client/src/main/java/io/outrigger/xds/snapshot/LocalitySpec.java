package io.outrigger.xds.snapshot;

import java.util.Objects;

/** {@code core.v3.Locality}; empty strings where unset. */
public record LocalitySpec(String region, String zone, String subZone) {
    public static final LocalitySpec EMPTY = new LocalitySpec("", "", "");

    public LocalitySpec {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(subZone, "subZone");
    }
}
