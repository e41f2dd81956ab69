package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SortedRunTest {
    private static final long CACHE_BYTES = 8L << 20;

    @TempDir
    Path dir;

    /**
     * Records in a random order over keys of every length up to 40 bytes (bytes above 0x7f among them, which a
     * signed comparison would misplace: the writer refuses keys out of order), each key written several times and
     * sometimes deleted, cut into runs by a small arena and ingested in order, as the bulk loader does: RocksDB then
     * holds the last write of every key, and nothing for a key whose last write was a delete.
     */
    @Test
    void shouldLeaveTheLastWriteOfEveryKeyAcrossRunsOfARandomTopic() {
        SplittableRandom random = new SplittableRandom(20261203);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            byte[] key = new byte[1 + random.nextInt(40)];
            for (int b = 0; b < key.length; b++) {
                key[b] = (byte) random.nextInt(i % 2 == 0 ? 4 : 256); // few distinct bytes: long shared prefixes
            }
            keys.add(key);
        }
        Map<ByteBuffer, byte[]> expected = new HashMap<>();
        int runs = 0;
        try (RocksViewDb db = new RocksViewDb(dir.resolve("rocksdb"), false, true, CACHE_BYTES);
                SortedRun first = new SortedRun(64 << 10);
                SortedRun second = new SortedRun(64 << 10)) {
            SortedRun run = first;
            for (int i = 0; i < 30_000; i++) {
                byte[] key = keys.get(random.nextInt(keys.size()));
                byte[] value = random.nextInt(10) == 0 ? null : value(random, i);
                expected.put(ByteBuffer.wrap(key), value);
                if (!run.put(key, value)) {
                    runs++;
                    ingest(db, run, runs);
                    run = run == first ? second : first; // reused after its file is written, as the loader does
                    assertThat(run.put(key, value)).isTrue();
                }
            }
            ingest(db, run, ++runs);
            assertThat(runs).as("runs the arena cut the records into").isGreaterThan(5);

            ByteBuffer k = ByteBuffer.allocateDirect(64);
            ByteBuffer v = ByteBuffer.allocateDirect(256);
            for (Map.Entry<ByteBuffer, byte[]> e : expected.entrySet()) {
                k.clear();
                k.put(e.getKey().duplicate()).flip();
                v.clear();
                int n = db.get(k, v);
                if (e.getValue() == null) {
                    assertThat(n).as("a key whose last write was a delete").isEqualTo(-1);
                } else {
                    byte[] read = new byte[n];
                    v.get(0, read);
                    assertThat(read).isEqualTo(e.getValue());
                }
            }
        }
    }

    @Test
    void shouldRefuseWhatDoesNotFitUnlessEmptyAndTakeARecordLargerThanTheArenaWhenEmpty() {
        try (SortedRun run = new SortedRun(100)) {
            assertThat(run.put(new byte[] {1}, new byte[80])).isTrue();
            assertThat(run.put(new byte[] {2}, new byte[80]))
                    .as("the rest of the arena is too small")
                    .isFalse();
            assertThat(run.size()).isEqualTo(1);
            run.writeTo(dir.resolve("a.sst"));
            assertThat(run.isEmpty()).isTrue();
            assertThat(run.put(new byte[] {2}, new byte[1_000]))
                    .as("an empty run grows for one record")
                    .isTrue();
            assertThat(run.bytes()).isEqualTo(8 + 1 + 1_000);
            run.writeTo(dir.resolve("b.sst"));
            assertThat(run.put(new byte[] {3}, new byte[80])).isTrue();
            assertThat(run.put(new byte[] {4}, new byte[80]))
                    .as("written, the run is back to its configured capacity")
                    .isFalse();
        }
    }

    private static void ingest(RocksViewDb db, SortedRun run, int index) {
        Path file = db.dir().resolveSibling("run-" + index + ".sst");
        run.writeTo(file);
        db.ingestRun(file);
    }

    private static byte[] value(SplittableRandom random, int i) {
        byte[] v = new byte[8 + random.nextInt(120)];
        random.nextBytes(v);
        v[0] = (byte) i;
        return v;
    }
}
