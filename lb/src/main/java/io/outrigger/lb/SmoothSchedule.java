package io.outrigger.lb;

/**
 * A weighted round-robin order computed once per update with earliest-deadline-first (the
 * scheduler Envoy's round robin uses): entry i is due at k / weight(i) for its k-th turn, ties go
 * to the lower index. Over one period every entry appears exactly weight(i) times (after dividing
 * by the weights' gcd), spread evenly — 1:2:3 gives {@code 2 1 2 0 1 2}.
 *
 * <p>Precomputing the order lets event loops pick with one atomic increment instead of sharing a
 * mutable priority queue. The period is capped at {@link #MAX_PERIOD} entries; larger weight sums
 * are scaled down proportionally (each weight stays >= 1), which keeps ratios within 1 / MAX_PERIOD.
 */
final class SmoothSchedule {
    /** Longest precomputed period (1 MiB of ints). */
    static final int MAX_PERIOD = 1 << 18;

    private SmoothSchedule() {
    }

    /** True when all weights are equal: the schedule is then simply 0..n-1. */
    static boolean uniform(long[] weights) {
        for (int i = 1; i < weights.length; i++) {
            if (weights[i] != weights[0]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The schedule for {@code weights} (each >= 0; zero-weight entries never appear).
     * Returns an empty array when all weights are zero.
     */
    static int[] build(long[] weights) {
        int n = weights.length;
        long g = 0;
        long sum = 0;
        for (long w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("weight: " + w + " (expected: >= 0)");
            }
            g = gcd(g, w);
        }
        if (g == 0) {
            return new int[0];
        }
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = weights[i] / g;
            sum += w[i];
        }
        long cap = Math.max(MAX_PERIOD, n);
        if (sum > cap) {
            long scaledSum = 0;
            for (int i = 0; i < n; i++) {
                if (w[i] > 0) {
                    w[i] = Math.max(1, (long) ((double) w[i] * cap / sum));
                }
                scaledSum += w[i];
            }
            sum = scaledSum;
        }
        int period = (int) sum;
        int[] out = new int[period];
        // Binary min-heap of entry indices ordered by next deadline turn[i] / w[i], then index.
        int[] heap = new int[n];
        long[] turn = new long[n];
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] > 0) {
                turn[i] = 1;
                heap[size] = i;
                siftUp(heap, size++, turn, w);
            }
        }
        for (int k = 0; k < period; k++) {
            int top = heap[0];
            out[k] = top;
            turn[top]++;
            if (turn[top] > w[top]) {
                heap[0] = heap[--size];
            }
            siftDown(heap, 0, size, turn, w);
        }
        return out;
    }

    private static boolean before(int a, int b, long[] turn, long[] w) {
        // turn[a]/w[a] < turn[b]/w[b], exact in longs (turn <= period, weights <= MAX_PERIOD or original).
        long lhs = Math.multiplyHigh(turn[a], w[b]) == 0 ? turn[a] * w[b] : Long.MAX_VALUE;
        long rhs = Math.multiplyHigh(turn[b], w[a]) == 0 ? turn[b] * w[a] : Long.MAX_VALUE;
        if (lhs != rhs) {
            return lhs < rhs;
        }
        return a < b;
    }

    private static void siftUp(int[] heap, int i, long[] turn, long[] w) {
        int x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(x, heap[parent], turn, w)) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = x;
    }

    private static void siftDown(int[] heap, int i, int size, long[] turn, long[] w) {
        if (size == 0) {
            return;
        }
        int x = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child], turn, w)) {
                child++;
            }
            if (!before(heap[child], x, turn, w)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = x;
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
