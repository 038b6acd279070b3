package io.outrigger.lb;

/**
 * Envoy's MAGLEV: a lookup table of {@code table_size} (prime, default 65537) slots filled by each
 * host's permutation {@code (offset + skip × j) mod size}, with {@code offset = xxHash64(key) mod
 * size} and {@code skip = xxHash64(key, seed 1) mod (size - 1) + 1}, key {@code address:port}.
 * Weighted hosts take turns in proportion to their normalized weight, as in Envoy's
 * {@code OriginalMaglevTable}. A request goes to slot {@code hash mod size}.
 */
final class MaglevPicker implements LoadBalancer {
    private final Host[] table;

    MaglevPicker(Host[] hosts, double[] normalizedWeights, int tableSize) {
        if (hosts.length == 0) {
            throw new IllegalArgumentException("hosts: empty (expected: at least one)");
        }
        int n = hosts.length;
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        double[] target = new double[n];
        double maxWeight = 0;
        for (int i = 0; i < n; i++) {
            String key = hosts[i].authority();
            offset[i] = Long.remainderUnsigned(XxHash64.hash(key), tableSize);
            skip[i] = Long.remainderUnsigned(XxHash64.hash(key, 1), tableSize - 1) + 1;
            maxWeight = Math.max(maxWeight, normalizedWeights[i]);
        }
        table = new Host[tableSize];
        int filled = 0;
        for (long iteration = 1; filled < tableSize; iteration++) {
            for (int i = 0; i < n && filled < tableSize; i++) {
                // A host at the maximum weight takes a slot every iteration; one at a third of it,
                // every third iteration.
                if (iteration * normalizedWeights[i] < target[i]) {
                    continue;
                }
                target[i] += maxWeight;
                int c = (int) ((offset[i] + skip[i] * next[i]) % tableSize);
                while (table[c] != null) {
                    next[i]++;
                    c = (int) ((offset[i] + skip[i] * next[i]) % tableSize);
                }
                table[c] = hosts[i];
                next[i]++;
                filled++;
            }
        }
    }

    @Override
    public Host pick(long hash) {
        return table[(int) Long.remainderUnsigned(hash, table.length)];
    }
}
