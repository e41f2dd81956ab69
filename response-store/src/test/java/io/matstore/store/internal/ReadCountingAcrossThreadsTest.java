package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * Reads happen on request threads, counting on the ingest thread: a key that only other threads read must still win
 * admission into a full near-cache once maintenance has drained their recorded reads. Real RocksDB and Chronicle Map
 * files; maintenance is called on the test thread, as the ingest loop calls it between polls.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadCountingAcrossThreadsTest {
    private static final int CAPACITY = 100;

    @TempDir
    Path dir;

    @Test
    void shouldAdmitAKeyOnlyOtherThreadsReadOnceMaintenanceCountsTheirReads() throws InterruptedException {
        ViewDescriptor view = ViewDescriptor.of("threads", 1, "id");
        StoreConfig config = StoreConfig.of(dir, "127.0.0.1:1").withNearCache(CAPACITY, CAPACITY * 1024L);
        VersionStore store = new VersionStore(view, Set.of(0), LoadMode.LIVE, dir.resolve("v1"), config);
        try {
            try (WriteBatch batch = new WriteBatch()) {
                for (int i = 0; i < 10 * CAPACITY; i++) {
                    byte[] k = KeyCodec.encode(view, "key-" + i);
                    byte[] v = new byte[200];
                    store.rocks().putValue(batch, k, v);
                    if (i < CAPACITY) {
                        store.nearCache().put(k, v, true); // full, with keys nobody reads (frequency 0)
                    }
                }
                store.rocks().write(batch);
            }
            byte[] hot = KeyCodec.encode(view, "key-" + (5 * CAPACITY));
            assertThat(store.nearCache().hasRoomFor(200)).isFalse();
            assertThat(store.nearCache().contains(hot)).isFalse();

            for (int round = 0; round < 20 && !store.nearCache().contains(hot); round++) {
                Thread[] readers = new Thread[2];
                for (int t = 0; t < readers.length; t++) {
                    readers[t] = new Thread(() -> {
                        ByteBuffer key =
                                ByteBuffer.allocateDirect(hot.length).put(hot).flip();
                        ByteBuffer dst = ByteBuffer.allocateDirect(1024);
                        for (int r = 0; r < 20; r++) {
                            store.read(key, dst);
                        }
                    });
                    readers[t].start();
                }
                for (Thread reader : readers) {
                    reader.join();
                }
                store.maintainNearCache();
            }

            assertThat(store.nearCache().contains(hot))
                    .as("a key read 40 times a round by other threads replaces one never read")
                    .isTrue();
            assertThat(store.nearCache().entries()).isEqualTo(CAPACITY);
        } finally {
            store.closeForDrop();
        }
    }
}
