package io.outrigger.lb;

/** Sorts a long key array and an int payload array together (build time only, no boxing). */
final class ParallelSort {
    private ParallelSort() {
    }

    static void sort(long[] keys, int[] payload, int n) {
        quicksort(keys, payload, 0, n - 1);
    }

    private static void quicksort(long[] k, int[] p, int lo, int hi) {
        while (lo < hi) {
            if (hi - lo < 16) {
                insertion(k, p, lo, hi);
                return;
            }
            long pivot = median(k[lo], k[(lo + hi) >>> 1], k[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (k[i] < pivot) {
                    i++;
                }
                while (k[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(k, p, i++, j--);
                }
            }
            // Recurse into the smaller half to bound stack depth.
            if (j - lo < hi - i) {
                quicksort(k, p, lo, j);
                lo = i;
            } else {
                quicksort(k, p, i, hi);
                hi = j;
            }
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void insertion(long[] k, int[] p, int lo, int hi) {
        for (int i = lo + 1; i <= hi; i++) {
            long key = k[i];
            int val = p[i];
            int j = i - 1;
            while (j >= lo && k[j] > key) {
                k[j + 1] = k[j];
                p[j + 1] = p[j];
                j--;
            }
            k[j + 1] = key;
            p[j + 1] = val;
        }
    }

    private static void swap(long[] k, int[] p, int i, int j) {
        long t = k[i];
        k[i] = k[j];
        k[j] = t;
        int u = p[i];
        p[i] = p[j];
        p[j] = u;
    }
}
