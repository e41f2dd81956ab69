package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.BatchRead;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreConfig;
import io.matstore.store.ViewReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;

/**
 * {@link VersionStore#readAll}: the near-cache's hits, RocksDB's values through one MultiGet, absent keys and a
 * value too large for its slot, each answered in its place and exactly as {@link VersionStore#read} answers it, on a
 * real RocksDB and a real near-cache file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BatchReadTest {
    private static final int KEYS = 400;
    private static final int SLOT = 512;
    private static final ViewDescriptor VIEW = ViewDescriptor.of("batch", 1, "id");

    @TempDir
    Path dir;

    private VersionStore store;
    private byte[][] keys;

    @BeforeEach
    void fill() {
        // Room for a quarter of the keys: the rest are read from RocksDB.
        StoreConfig config = StoreConfig.of(dir, "127.0.0.1:1").withNearCache(KEYS / 4, KEYS / 4 * 1024L);
        store = new VersionStore(VIEW, Set.of(0), LoadMode.LIVE, dir.resolve("v1"), config, VersionMeters.NONE);
        keys = new byte[KEYS][];
        try (WriteBatch batch = new WriteBatch()) {
            for (int i = 0; i < KEYS; i++) {
                keys[i] = KeyCodec.encode(VIEW, "key-" + i);
                if (i % 10 == 9) {
                    continue; // never stored: a 404
                }
                byte[] v = value(i);
                store.rocks().putValue(batch, keys[i], v);
                if (i < KEYS / 4) {
                    store.nearCache().put(keys[i], v, true);
                }
            }
            store.rocks().write(batch);
        }
    }

    @AfterEach
    void close() {
        store.closeForDrop();
    }

    /** Sizes from 100 B up to past the slot: every 37th value is larger than {@link #SLOT}. */
    private static byte[] value(int i) {
        byte[] v = new byte[i % 37 == 36 ? SLOT + 100 + i : 100 + i % 300];
        Arrays.fill(v, (byte) i);
        v[0] = (byte) (i >> 8);
        return v;
    }

    @Test
    void shouldAnswerEveryItemInPlaceAsSingleReadsDo() {
        BatchRead batch = new BatchRead(SLOT);
        // a batch mixing near-cache hits, RocksDB reads, absent keys, repeats and an oversized value, out of order
        int[] order = new int[100];
        for (int j = 0; j < order.length; j++) {
            order[j] = (j * 131 + 7) % KEYS;
        }
        order[5] = order[4]; // the same key twice
        order[6] = 36; // larger than its slot
        batch.clear(order.length);
        for (int k : order) {
            batch.add(ByteBuffer.allocateDirect(keys[k].length).put(keys[k]).flip());
        }
        long hitsBefore = store.status(true).nearCacheHits();
        long missesBefore = store.status(true).nearCacheMisses();

        store.readAll(batch);

        int near = 0;
        ByteBuffer single = ByteBuffer.allocateDirect(4096);
        for (int j = 0; j < order.length; j++) {
            int k = order[j];
            single.clear();
            int expected = store.uncountedReader().read(batch.key(j), single);
            assertThat(batch.length(j)).as("item %d (key %d)", j, k).isEqualTo(expected);
            if (k % 10 == 9) {
                assertThat(batch.length(j)).isEqualTo(ViewReader.NOT_FOUND);
            } else if (expected > SLOT) {
                assertThat(expected).isEqualTo(value(k).length);
            } else {
                byte[] got = new byte[expected];
                batch.value(j).get(0, got);
                assertThat(got).as("item %d (key %d)", j, k).isEqualTo(value(k));
            }
            if (k < KEYS / 4 && k % 10 != 9 && value(k).length <= 1024) {
                near++;
            }
        }
        assertThat(store.status(true).nearCacheHits() - hitsBefore).isEqualTo(near);
        assertThat(store.status(true).nearCacheMisses() - missesBefore).isEqualTo(order.length - near);
    }

    @Test
    void shouldAnswerABatchOfOnlyNearCacheHitsWithoutRocksDb() {
        BatchRead batch = new BatchRead(SLOT);
        batch.clear(10);
        for (int k = 0; k < 10; k++) {
            batch.add(ByteBuffer.allocateDirect(keys[k].length).put(keys[k]).flip());
        }
        long missesBefore = store.status(true).nearCacheMisses();
        store.readAll(batch);
        assertThat(store.status(true).nearCacheMisses()).isEqualTo(missesBefore + 1); // key-9 is absent
        assertThat(batch.length(3)).isEqualTo(value(3).length);
    }

    /**
     * Why {@code multiGetByteBuffers}: on the same 100 keys, what each RocksJava MultiGet allocates per call on the
     * calling thread, the values copied into reused direct buffers against returned as new arrays.
     */
    @Test
    void shouldAllocateLessWithByteBuffersThanWithArrays() throws Exception {
        try (Options options = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, dir.resolve("plain").toString())) {
            List<byte[]> arrayKeys = new ArrayList<>();
            List<ByteBuffer> bufferKeys = new ArrayList<>();
            List<ByteBuffer> values = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                db.put(keys[i], new byte[300]);
                arrayKeys.add(keys[i]);
                bufferKeys.add(
                        ByteBuffer.allocateDirect(keys[i].length).put(keys[i]).flip());
                values.add(ByteBuffer.allocateDirect(SLOT));
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            int calls = 2_000;
            long[] bytes = new long[2];
            for (int round = 0; round < 2; round++) { // the first round warms up
                long before = threads.getThreadAllocatedBytes(id);
                for (int c = 0; c < calls; c++) {
                    values.forEach(ByteBuffer::clear);
                    db.multiGetByteBuffers(bufferKeys, values);
                }
                long mid = threads.getThreadAllocatedBytes(id);
                for (int c = 0; c < calls; c++) {
                    db.multiGetAsList(arrayKeys);
                }
                bytes[0] = mid - before;
                bytes[1] = threads.getThreadAllocatedBytes(id) - mid;
            }
            System.out.printf(
                    "MultiGet of 100 keys of 300 B: multiGetByteBuffers %d B/call, multiGetAsList %d B/call%n",
                    bytes[0] / calls, bytes[1] / calls);
            assertThat(bytes[0]).isLessThan(bytes[1]);
        }
    }
}
