package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * The read path allocates nothing per lookup, near-cache hit or RocksDB miss, measured with the JVM's per-thread
 * allocation counter over many lookups after warm-up (JMH's {@code -prof gc} sees the whole JVM; this sees only
 * the reading thread).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadPathAllocationTest {
    private static final int KEYS = 2_000;
    private static final int LOOKUPS = 200_000;

    @TempDir
    Path dir;

    @Test
    void shouldAllocateNothingPerLookupOnHitsAndMisses() {
        allocationPerLookup(VersionMeters.NONE);
    }

    /** Metrics on: RocksDB collects statistics (tickers) on every read, which must not allocate either. */
    @Test
    void shouldAllocateNothingPerLookupWithMetricsAndRocksDbStatisticsOn() {
        VersionMeters meters = new VersionMeters(new SimpleMeterRegistry(), ViewDescriptor.of("alloc", 1, "id"));
        assertThat(meters.enabled()).isTrue();
        allocationPerLookup(meters);
    }

    private void allocationPerLookup(VersionMeters meters) {
        ViewDescriptor view = ViewDescriptor.of("alloc", 1, "id");
        // Room for half the keys: every other lookup misses and goes to RocksDB.
        StoreConfig config = StoreConfig.of(dir, "127.0.0.1:1").withNearCache(KEYS / 2, KEYS / 2 * 1024L);
        VersionStore store = new VersionStore(view, Set.of(0), LoadMode.LIVE, dir.resolve("v1"), config, meters, null);
        try {
            ByteBuffer[] keys = new ByteBuffer[KEYS];
            try (WriteBatch batch = new WriteBatch()) {
                for (int i = 0; i < KEYS; i++) {
                    byte[] k = KeyCodec.encode(view, "key-" + i);
                    keys[i] = ByteBuffer.allocateDirect(k.length).put(k).flip();
                    byte[] v = new byte[300 + i % 200];
                    store.rocks().putValue(batch, k, v);
                    if (i < KEYS / 2) {
                        store.nearCache().put(k, v, true);
                    }
                }
                store.rocks().write(batch);
            }
            ByteBuffer dst = ByteBuffer.allocateDirect(4096);
            long checksum = lookups(store, keys, dst); // warm-up: JIT, Chronicle's per-thread contexts
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            checksum += lookups(store, keys, dst);
            long allocated =
                    threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            System.out.printf(
                    "read path: %d bytes allocated over %d lookups (%.4f B/op)%n",
                    allocated, LOOKUPS, (double) allocated / LOOKUPS);
            assertThat(checksum).isPositive();
            assertThat(store.status(true).nearCacheHits()).isGreaterThan(LOOKUPS / 2);
            assertThat(store.status(true).nearCacheMisses()).isGreaterThan(LOOKUPS / 2);
            assertThat((double) allocated / LOOKUPS)
                    .as("bytes allocated per lookup")
                    .isLessThan(0.1);
        } finally {
            store.closeForDrop();
        }
    }

    private static long lookups(VersionStore store, ByteBuffer[] keys, ByteBuffer dst) {
        long sum = 0;
        for (int r = 0; r < LOOKUPS; r++) {
            dst.clear();
            sum += store.read(keys[r % keys.length], dst);
        }
        return sum;
    }
}
