package io.outrigger.lb;

/**
 * Envoy's RING_HASH (ketama): each host gets ~{@code scale × normalized weight} points at
 * {@code xxHash64("<address:port>_<i>")}; a request goes to the first point at or after its hash,
 * wrapping to the first. The ring size is {@code min(ceil(minWeight × minimum_ring_size) / minWeight,
 * maximum_ring_size)} and points are handed out with Envoy's running sums, so for the same hosts
 * and weights the ring holds exactly Envoy's points.
 */
final class RingHashPicker implements LoadBalancer {
    /** Point hashes, ascending as unsigned values. */
    private final long[] points;
    private final Host[] owners;
    /**
     * Index of the first point in each bucket of the hash space (buckets = top {@code bits} bits),
     * plus a sentinel: a pick binary-searches one bucket, about one point, instead of the ring.
     */
    private final int[] bucketStart;
    private final int shift;

    /**
     * @param hosts the hosts in host-set order
     * @param normalizedWeights each host's share, summing to 1
     */
    RingHashPicker(Host[] hosts, double[] normalizedWeights, long minRingSize, long maxRingSize) {
        if (hosts.length == 0) {
            throw new IllegalArgumentException("hosts: empty (expected: at least one)");
        }
        double minWeight = 1.0;
        for (double w : normalizedWeights) {
            minWeight = Math.min(minWeight, w);
        }
        double scale = Math.min(Math.ceil(minWeight * minRingSize) / minWeight, (double) maxRingSize);
        int size = (int) Math.ceil(scale);
        long[] hashes = new long[size + hosts.length];
        int[] index = new int[size + hosts.length];
        int n = 0;
        double current = 0;
        double target = 0;
        StringBuilder key = new StringBuilder(64);
        for (int h = 0; h < hosts.length; h++) {
            key.setLength(0);
            key.append(hosts[h].authority()).append('_');
            int prefix = key.length();
            target += scale * normalizedWeights[h];
            for (long i = 0; current < target; i++, current++) {
                key.setLength(prefix);
                key.append(i);
                hashes[n] = XxHash64.hash(key.toString());
                index[n] = h;
                n++;
            }
        }
        // Sort by unsigned hash: flipping the sign bit makes signed order equal unsigned order.
        for (int i = 0; i < n; i++) {
            hashes[i] ^= Long.MIN_VALUE;
        }
        ParallelSort.sort(hashes, index, n);
        points = new long[n];
        owners = new Host[n];
        for (int i = 0; i < n; i++) {
            points[i] = hashes[i] ^ Long.MIN_VALUE;
            owners[i] = hosts[index[i]];
        }
        int bits = Math.max(1, Math.min(16, 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1))));
        shift = 64 - bits;
        int buckets = 1 << bits;
        bucketStart = new int[buckets + 1];
        int p = 0;
        for (int b = 0; b < buckets; b++) {
            while (p < n && (int) (points[p] >>> shift) < b) {
                p++;
            }
            bucketStart[b] = p;
        }
        bucketStart[buckets] = n;
    }

    int size() {
        return points.length;
    }

    @Override
    public Host pick(long hash) {
        // First point >= hash (unsigned), else wrap around to point 0. Points of earlier buckets are
        // all smaller than hash, so the answer is in this bucket or is the next bucket's first point.
        int bucket = (int) (hash >>> shift);
        int lo = bucketStart[bucket];
        int hi = bucketStart[bucket + 1];
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], hash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return owners[lo == points.length ? 0 : lo];
    }
}
