package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rocksdb.WriteBatch;

/**
 * The near-cache's hot-key policy on a Zipf(0.99) trace, against Caffeine (W-TinyLFU) at the same capacity in
 * entries. Real RocksDB and Chronicle Map files; the ingest thread's maintenance (promotion of missed keys) runs
 * every {@value #MAINTAIN_EVERY} reads, as the ingest loop would between polls. Both caches start cold.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HotKeyPolicyHitRatioTest {
    private static final int MAINTAIN_EVERY = 100;
    private static final int VALUE_BYTES = 100;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} keys, near-cache {1} entries, {2} requests")
    @CsvSource({"100000, 1000, 1000000", "100000, 10000, 1000000"})
    void shouldKeepHotKeysNearWithAHitRatioCloseToCaffeinesOnZipf099(int keys, int capacity, int requests) {
        ViewDescriptor view = ViewDescriptor.of("zipf", 1, "id");
        StoreConfig config = StoreConfig.of(dir, "127.0.0.1:1").withNearCache(capacity, (long) capacity * 128);
        VersionStore store = new VersionStore(view, Set.of(0), LoadMode.LIVE, dir.resolve("v1"), config);
        byte[][] keyBytes = new byte[keys][];
        try {
            store.openNearCache(); // the ingest thread's first step; this test plays that thread

            try (WriteBatch batch = new WriteBatch()) {
                for (int i = 0; i < keys; i++) {
                    keyBytes[i] = KeyCodec.encode(view, "key-" + i);
                    store.rocks().putValue(batch, keyBytes[i], new byte[VALUE_BYTES]);
                }
                store.rocks().write(batch);
            }
            ByteBuffer key = ByteBuffer.allocateDirect(64);
            ByteBuffer dst = ByteBuffer.allocateDirect(1024);
            ZipfTrace trace = new ZipfTrace(keys, 0.99, 42);
            for (int r = 0; r < requests; r++) {
                key.clear();
                key.put(keyBytes[trace.next()]).flip();
                dst.clear();
                assertThat(store.read(key, dst)).isEqualTo(VALUE_BYTES);
                if (r % MAINTAIN_EVERY == 0) {
                    store.maintainNearCache();
                }
            }
            var status = store.status(true);
            double ours = status.nearCacheHitRatio();

            Cache<Integer, byte[]> caffeine = Caffeine.newBuilder()
                    .maximumSize(capacity)
                    .executor(Runnable::run)
                    .build();
            ZipfTrace same = new ZipfTrace(keys, 0.99, 42);
            long hits = 0;
            for (int r = 0; r < requests; r++) {
                int k = same.next();
                if (caffeine.getIfPresent(k) != null) {
                    hits++;
                } else {
                    caffeine.put(k, new byte[0]);
                }
            }
            double theirs = (double) hits / requests;
            System.out.printf(
                    "zipf(0.99) keys=%d capacity=%d requests=%d near-cache hit ratio=%.4f caffeine=%.4f"
                            + " near-cache entries=%d%n",
                    keys, capacity, requests, ours, theirs, store.nearCache().entries());
            assertThat(store.nearCache().entries())
                    .isLessThanOrEqualTo(capacity)
                    .as("the kept entry count after eviction churn")
                    .isEqualTo(countKeys(store.nearCache()));
            assertThat(ours).isGreaterThan(theirs - 0.05);
        } finally {
            store.closeForDrop();
        }
    }

    private static long countKeys(NearCache nearCache) {
        long[] n = new long[1];
        for (int segment = 0; segment < nearCache.segments(); segment++) {
            nearCache.forEachKeyInSegment(segment, k -> ++n[0] > 0);
        }
        return n[0];
    }
}
