package io.outrigger.lb;

import java.util.random.RandomGenerator;

/**
 * The picker of one cluster for one membership snapshot: priority (Envoy's load split and
 * panic), then locality (locality-weighted or zone-aware), then endpoint. Immutable once built
 * apart from the pickers' own atomic counters; {@link #pick} takes no lock and allocates nothing.
 */
final class PriorityBalancer implements LoadBalancer {
    private final int priorities;
    /** Cumulative load per bucket: healthy load of P0..Pn-1, then degraded load of P0..Pn-1. */
    private final int[] cumulativeLoad;
    /** The bucket that takes all load, or -1 when several share it. */
    private final int onlyBucket;
    private final Level[] levels;
    private final boolean hashBased;
    private final boolean failTrafficOnPanic;
    private final RandomGenerator random;
    private final LbStats stats;
    /** Counts picks that found no host, under the reason this snapshot has for it. */
    private final java.util.concurrent.atomic.LongAdder noHost;
    final PriorityLoad load;

    /** Pickers of one priority. Fields are null where there is nothing to pick from. */
    static final class Level {
        boolean panic;
        LoadBalancer all;
        LoadBalancer healthy;
        LoadBalancer degraded;
        LocalityChooser healthyLocalities;
        LocalityChooser degradedLocalities;
        LoadBalancer[] healthyByLocality;
        LoadBalancer[] degradedByLocality;
        ZoneRouting zone;
    }

    PriorityBalancer(PriorityLoad load, Level[] levels, boolean hashBased, boolean failTrafficOnPanic,
                     RandomGenerator random, LbStats stats, java.util.concurrent.atomic.LongAdder noHost) {
        this.load = load;
        this.noHost = noHost;
        this.priorities = levels.length;
        this.levels = levels;
        this.hashBased = hashBased;
        this.failTrafficOnPanic = failTrafficOnPanic;
        this.random = random;
        this.stats = stats;
        this.cumulativeLoad = new int[2 * priorities];
        int sum = 0;
        int only = -1;
        for (int b = 0; b < 2 * priorities; b++) {
            int l = b < priorities ? load.healthyLoad()[b] : load.degradedLoad()[b - priorities];
            if (l == 100) {
                only = b;
            }
            sum += l;
            cumulativeLoad[b] = sum;
        }
        this.onlyBucket = only;
    }

    @Override
    public Host pick(long hash) {
        if (priorities == 0) {
            noHost.increment();
            return null;
        }
        int bucket = onlyBucket;
        if (bucket < 0) {
            long r = hashBased ? hash : random.nextLong();
            int slot = (int) Long.remainderUnsigned(r, 100);
            bucket = 0;
            while (bucket < cumulativeLoad.length - 1 && slot >= cumulativeLoad[bucket]) {
                bucket++;
            }
        }
        boolean degraded = bucket >= priorities;
        int p = degraded ? bucket - priorities : bucket;
        Level level = levels[p];
        Host host;
        if (level.panic) {
            stats.healthyPanic.increment();
            host = failTrafficOnPanic || level.all == null ? null : level.all.pick(hash);
        } else {
            host = pickInLevel(level, degraded, hash);
        }
        if (host == null) {
            noHost.increment();
        }
        return host;
    }

    private Host pickInLevel(Level level, boolean degraded, long hash) {
        LocalityChooser chooser = degraded ? level.degradedLocalities : level.healthyLocalities;
        if (chooser != null) {
            LoadBalancer picker = (degraded ? level.degradedByLocality : level.healthyByLocality)[chooser.pick()];
            if (picker != null) {
                return picker.pick(hash);
            }
        }
        if (!degraded && level.zone != null && level.zone.enabled(random)) {
            LoadBalancer picker = level.healthyByLocality[level.zone.chooseLocality(random, stats)];
            if (picker != null) {
                return picker.pick(hash);
            }
        }
        LoadBalancer picker = degraded ? level.degraded : level.healthy;
        return picker == null ? null : picker.pick(hash);
    }
}
