package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileReader;
import org.rocksdb.TickerType;

/**
 * The values column family's table format on real RocksDB files: bulk-written SST files carry the bloom filter, so a
 * lookup of a key that is not stored is answered by it without reading a data block, and the block cache has the
 * configured capacity, and they are LZ4-compressed.
 */
class ValueTableFormatTest {
    private static final int KEYS = 20_000;
    private static final long CACHE_BYTES = 48L << 20;

    @TempDir
    Path dir;

    @Test
    void shouldAnswerAbsentKeysFromTheBloomFilterOfBulkWrittenFiles() {
        Path sst = dir.resolve("run-000000.sst");
        try (SortedRun run = new SortedRun(4 << 20)) {
            for (int i = 0; i < KEYS; i++) {
                run.put(key(i), ("value-" + i).getBytes(StandardCharsets.US_ASCII));
            }
            run.writeTo(sst);
        }
        try (Options options = new Options();
                SstFileReader reader = new SstFileReader(options)) {
            reader.open(sst.toString());
            // set by ValueTableFormat, not left to RocksJava's default (chosen by CompressionReadRun); RocksDB 11
            // names the compression by its built-in id: 04 is kLZ4Compression
            assertThat(reader.getTableProperties().getCompressionName()).isEqualTo("BuiltinV2;04;");
        } catch (RocksDBException e) {
            throw new AssertionError(e);
        }
        try (RocksViewDb db = new RocksViewDb(dir.resolve("rocksdb"), false, true, CACHE_BYTES)) {
            db.ingestRun(sst);
            ByteBuffer dst = ByteBuffer.allocate(64);
            for (int i = 0; i < KEYS; i += 10) {
                assertThat(db.get(ByteBuffer.wrap(key(i)), dst))
                        .as("stored key %d", i)
                        .isPositive();
            }
            double usefulBefore = db.ticker(TickerType.BLOOM_FILTER_USEFUL);
            int absent = 2_000;
            for (int i = 0; i < absent; i++) {
                assertThat(db.get(ByteBuffer.wrap(key(KEYS + i)), dst)).isEqualTo(-1);
            }
            // 10 bits per key: ~1 % false positives; anything near 0 means the file was written without the filter.
            assertThat(db.ticker(TickerType.BLOOM_FILTER_USEFUL) - usefulBefore).isGreaterThan(absent * 0.95);
            assertThat(db.longProperty("rocksdb.block-cache-capacity", false)).isEqualTo((double) CACHE_BYTES);
        }
    }

    private static byte[] key(int i) {
        return ("\u0001sku-" + i).getBytes(StandardCharsets.US_ASCII);
    }
}
