package io.outrigger.lb;

import java.util.Objects;

/**
 * Where a host runs, as Envoy's {@code core.v3.Locality} names it: region, zone, sub-zone.
 * Empty strings mean "not set"; {@link #UNKNOWN} has all three empty.
 */
public record Locality(String region, String zone, String subZone) {
    /** The locality of hosts that declare none. */
    public static final Locality UNKNOWN = new Locality("", "", "");

    public Locality {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(subZone, "subZone");
    }

    @Override
    public String toString() {
        return region + "/" + zone + "/" + subZone;
    }
}
