package io.outrigger.lb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Membership builders and a settable clock shared by the tests. */
final class Fixtures {
    private Fixtures() {
    }

    static final Locality ZONE_A = new Locality("region", "zone-a", "");
    static final Locality ZONE_B = new Locality("region", "zone-b", "");
    static final Locality ZONE_C = new Locality("region", "zone-c", "");

    static Host host(String address, int weight, HealthStatus health, Locality locality, int priority) {
        return new Host(address, 8080, weight, health, locality, priority, Map.of());
    }

    /** {@code count} hosts in one locality, the first {@code healthy} of them healthy. */
    static LocalityHosts hosts(String prefix, Locality locality, int localityWeight, int priority, int count,
                               int healthy) {
        List<Host> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(host(prefix + "." + i, 1, i < healthy ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY,
                    locality, priority));
        }
        return new LocalityHosts(locality, localityWeight, out);
    }

    static Membership membership(PriorityLevel... levels) {
        return new Membership(List.of(levels), Membership.DEFAULT_OVERPROVISIONING_FACTOR);
    }

    static PriorityLevel level(LocalityHosts... localities) {
        return new PriorityLevel(List.of(localities));
    }

    /** One priority with one locality holding {@code hosts}. */
    static Membership flat(List<Host> hosts) {
        return membership(level(new LocalityHosts(Locality.UNKNOWN, 0, hosts)));
    }

    static Map<Host, Integer> count(LoadBalancer lb, int picks, java.util.function.LongSupplier hashes) {
        Map<Host, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            Host h = lb.pick(hashes.getAsLong());
            counts.merge(h, 1, Integer::sum);
        }
        return counts;
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        MutableClock() {
            this(Instant.parse("2026-01-01T00:00:00Z"));
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
