package io.matstore.bench.precompute;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

/**
 * The skus the freshness probe owns: products no generator event touches ({@code PROBE-…}, not {@code SKU-…}), in a
 * category no promotion names, read in USD (which no FX event changes). They are picked so that each partition of
 * the source topic holds the same number of them, by the producer's default partitioner (murmur2 of the key, the
 * sku): a probe over one partition would time only that partition's task.
 */
final class ProbeSkus {
    static final String CATEGORY = "probe";
    static final String REGION = "us";

    private final List<String> skus;

    ProbeSkus(int partitions, int perPartition) {
        List<String> picked = new ArrayList<>();
        int[] taken = new int[partitions];
        for (int i = 0; picked.size() < partitions * perPartition; i++) {
            String sku = String.format("PROBE-%04d", i);
            int p = Utils.toPositive(Utils.murmur2(sku.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (taken[p] < perPartition) {
                taken[p]++;
                picked.add(sku);
            }
        }
        skus = List.copyOf(picked);
    }

    int size() {
        return skus.size();
    }

    String sku(int i) {
        return skus.get(i);
    }
}
