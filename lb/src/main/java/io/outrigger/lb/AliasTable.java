package io.outrigger.lb;

import java.util.random.RandomGenerator;

/**
 * Walker's alias method: samples index i with probability weight(i) / Σ weights in O(1) with one
 * random long, so weighted sampling on event loops needs neither a search nor allocation.
 */
final class AliasTable {
    private final int n;
    private final int[] alias;
    /** Acceptance threshold of each column, scaled to [0, 2^31]. */
    private final long[] threshold;

    AliasTable(long[] weights) {
        n = weights.length;
        if (n == 0) {
            throw new IllegalArgumentException("weights: empty (expected: at least one)");
        }
        alias = new int[n];
        threshold = new long[n];
        double sum = 0;
        for (long w : weights) {
            sum += w;
        }
        double[] p = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            p[i] = weights[i] * n / sum;
            if (p[i] < 1.0) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            threshold[s] = (long) (p[s] * (1L << 31));
            alias[s] = l;
            p[l] = (p[l] + p[s]) - 1.0;
            if (p[l] < 1.0) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            int l = large[--nl];
            threshold[l] = 1L << 31;
            alias[l] = l;
        }
        while (ns > 0) {
            // Only reachable through rounding: the column is effectively full.
            int s = small[--ns];
            threshold[s] = 1L << 31;
            alias[s] = s;
        }
    }

    int sample(RandomGenerator random) {
        return sample(random.nextLong());
    }

    /**
     * Samples with one 64-bit random value: the high 32 bits pick the column (multiply-shift, no
     * division), the low 31 bits decide between the column and its alias.
     */
    int sample(long r) {
        int column = (int) (((r >>> 32) * n) >>> 32);
        return (r & 0x7FFFFFFFL) < threshold[column] ? column : alias[column];
    }
}
