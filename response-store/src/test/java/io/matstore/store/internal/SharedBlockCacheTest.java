package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two versions' real RocksDB databases reading their bulk-written SST files through the store's one block cache: its
 * capacity is the node's, not each version's; blocks of both land in it; and the retired version's close, or the
 * cache's own, leaves the other version reading correct values.
 */
class SharedBlockCacheTest {
    private static final int KEYS = 5_000;
    private static final long CACHE_BYTES = 8L << 20;

    @TempDir
    Path dir;

    @Test
    void shouldCacheEveryVersionsBlocksInOneCacheAndKeepServingAfterTheRetiredVersionCloses() {
        BlockCache cache = new BlockCache(CACHE_BYTES);
        RocksViewDb v1 = new RocksViewDb(dir.resolve("v1"), false, true, cache);
        RocksViewDb v2 = new RocksViewDb(dir.resolve("v2"), false, true, cache);
        try {
            v1.ingestRun(run("v1", 1));
            v2.ingestRun(run("v2", 2));
            assertThat(cache.usage()).as("nothing read yet").isLessThan(64 * 1024);

            readAll(v1, 1);
            long afterV1 = cache.usage();
            assertThat(afterV1).as("v1's data blocks").isGreaterThan(KEYS * 20L);
            readAll(v2, 2);
            assertThat(cache.usage()).as("v2's blocks beside v1's").isGreaterThan(afterV1 + KEYS * 20L);
            for (RocksViewDb db : new RocksViewDb[] {v1, v2}) {
                assertThat(db.longProperty("rocksdb.block-cache-capacity", false))
                        .isEqualTo((double) CACHE_BYTES);
                assertThat(db.longProperty("rocksdb.block-cache-usage", false)).isEqualTo((double) cache.usage());
            }

            v1.close(); // the swap retired it
            readAll(v2, 2);
            cache.close(); // each database's table factory holds its own reference to the native cache
            readAll(v2, 2);
        } finally {
            v1.close();
            v2.close();
            cache.close();
        }
    }

    private Path run(String name, int version) {
        try (SortedRun run = new SortedRun(16 << 20)) {
            for (int i = 0; i < KEYS; i++) {
                run.put(key(i), value(i, version));
            }
            Path sst = dir.resolve(name + "-run.sst");
            run.writeTo(sst);
            return sst;
        }
    }

    private static void readAll(RocksViewDb db, int version) {
        ByteBuffer key = ByteBuffer.allocateDirect(64);
        ByteBuffer dst = ByteBuffer.allocateDirect(256);
        for (int i = 0; i < KEYS; i++) {
            key.clear();
            key.put(key(i)).flip();
            dst.clear();
            int n = db.get(key, dst);
            byte[] read = new byte[n];
            dst.get(0, read);
            assertThat(read).as("key %d of v%d", i, version).isEqualTo(value(i, version));
        }
    }

    private static byte[] key(int i) {
        return String.format("\u0001sku-%06d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] value(int i, int version) {
        return ("v" + version + "-value-" + i + "-" + Integer.toHexString(i * 31 + version))
                .getBytes(StandardCharsets.US_ASCII);
    }
}
