package io.matstore.bench.store;

import io.matstore.bench.serving.ServingLoadRun;
import io.matstore.schemas.KeyCodec;
import io.matstore.views.offers.OffersContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Issue 15 goal 7: which compression (and block size) for the values column family, by what a near-cache miss
 * costs and what the data takes on disk. Each layout gets its own RocksDB holding the same offers envelopes
 * ({@link ServingLoadRun#envelope}, ~300 B) with the table options of the store's {@code ValueTableFormat} (bloom
 * filter 10 bits/key, index and filter blocks held by the open tables, block hash index, an LRU block cache of the
 * given size), compacted to one level; then one thread reads uniformly drawn keys with the serving path's call
 * ({@code get(ReadOptions, direct key, direct value)}), the layouts taking turns in each round so that the machine's
 * load spreads over all of them. The first layout is the anchor of the ratios.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.matstore.bench.store.CompressionReadRun \
 *      [keys] [lookups per turn] [block cache MiB] [rounds] [layouts, e.g. lz4:4,none:4,zstd:4,lz4:16]
 * </pre>
 * Defaults: 1,000,000 keys, 500,000 lookups per turn, 128 MiB (store.block.cache.bytes' default), 3 rounds. Files
 * go to a temporary directory, deleted at the end.
 */
public final class CompressionReadRun {
    private CompressionReadRun() {}

    /** One layout of the values: compression and data block size. */
    private record Layout(String name, CompressionType compression, int blockKiB) {
        static Layout parse(String spec) {
            String[] p = spec.split(":");
            CompressionType c = switch (p[0]) {
                case "none" -> CompressionType.NO_COMPRESSION;
                case "lz4" -> CompressionType.LZ4_COMPRESSION;
                case "zstd" -> CompressionType.ZSTD_COMPRESSION;
                case "snappy" -> CompressionType.SNAPPY_COMPRESSION;
                default ->
                    throw new IllegalArgumentException("compression " + p[0] + " not one of none, lz4, zstd, snappy");
            };
            return new Layout(p[0] + ", " + p[1] + " KiB blocks", c, Integer.parseInt(p[1]));
        }
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int lookups = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        long cacheBytes = (args.length > 2 ? Long.parseLong(args[2]) : 128) << 20;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        List<Layout> layouts = new ArrayList<>();
        for (String spec : (args.length > 4 ? args[4] : "lz4:4,none:4,zstd:4,lz4:16").split(",")) {
            layouts.add(Layout.parse(spec));
        }
        RocksDB.loadLibrary();
        Path root = Files.createTempDirectory("compression-read-");
        List<Db> dbs = new ArrayList<>();
        try {
            byte[][] allKeys = keys(keys);
            for (Layout l : layouts) {
                Db db = new Db(l, root.resolve(l.compression.name() + "-" + l.blockKiB), cacheBytes);
                dbs.add(db);
                long t = System.nanoTime();
                db.fill(allKeys);
                System.out.printf(
                        "%s: %,d keys written and compacted in %.1f s, %,.1f MB of SST files%n",
                        l.name, keys, (System.nanoTime() - t) / 1e9, db.sstBytes() / 1e6);
            }
            Histogram[] latency = new Histogram[dbs.size()];
            for (int i = 0; i < dbs.size(); i++) {
                latency[i] = new Histogram(10_000_000L, 3);
            }
            for (int round = 0; round <= rounds; round++) { // round 0 warms the caches and the JIT up
                for (int i = 0; i < dbs.size(); i++) {
                    Histogram h = round == 0 ? new Histogram(10_000_000L, 3) : latency[i];
                    dbs.get(i).read(allKeys, lookups, h, new SplittableRandom(round * 31L + i));
                }
            }
            System.out.println();
            System.out.println("| layout | SST MB | lookups | mean ns | p50 ns | p99 ns | p99.9 ns | mean / first's |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            double anchor = latency[0].getMean();
            for (int i = 0; i < dbs.size(); i++) {
                Histogram h = latency[i];
                System.out.printf(
                        "| %s | %,.1f | %,d | %.0f | %d | %d | %d | %.2f |%n",
                        dbs.get(i).layout.name,
                        dbs.get(i).sstBytes() / 1e6,
                        h.getTotalCount(),
                        h.getMean(),
                        h.getValueAtPercentile(50),
                        h.getValueAtPercentile(99),
                        h.getValueAtPercentile(99.9),
                        h.getMean() / anchor);
            }
        } finally {
            for (Db db : dbs) {
                db.close();
            }
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static byte[][] keys(int n) {
        byte[][] out = new byte[n][];
        int i = 0;
        for (int sku = 0; i < n; sku++) {
            for (String region : ServingLoadRun.REGIONS) {
                for (String tier : ServingLoadRun.TIERS) {
                    if (i < n) {
                        out[i++] =
                                KeyCodec.encode(OffersContract.V1, String.format("SKU-%06d", sku), region, "USD", tier);
                    }
                }
            }
        }
        return out;
    }

    /** One layout's database and the options it owns. */
    private static final class Db implements AutoCloseable {
        final Layout layout;
        final Path dir;
        final BloomFilter bloom = new BloomFilter(10);
        final LRUCache cache;
        final Options options;
        final RocksDB db;
        final ReadOptions read = new ReadOptions();
        final ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);
        final ByteBuffer value = ByteBuffer.allocateDirect(64 * 1024);

        Db(Layout layout, Path dir, long cacheBytes) throws RocksDBException, IOException {
            this.layout = layout;
            this.dir = Files.createDirectories(dir);
            cache = new LRUCache(cacheBytes);
            BlockBasedTableConfig table = new BlockBasedTableConfig()
                    .setFilterPolicy(bloom)
                    .setWholeKeyFiltering(true)
                    .setCacheIndexAndFilterBlocks(false)
                    .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
                    .setDataBlockHashTableUtilRatio(0.75)
                    .setBlockSize(layout.blockKiB * 1024L)
                    .setBlockCache(cache);
            options = new Options()
                    .setCreateIfMissing(true)
                    .setCompressionType(layout.compression)
                    .setBottommostCompressionType(layout.compression)
                    .setTableFormatConfig(table);
            db = RocksDB.open(options, dir.toString());
        }

        void fill(byte[][] keys) throws RocksDBException {
            try (WriteOptions w = new WriteOptions().setDisableWAL(true)) {
                for (int from = 0; from < keys.length; from += 10_000) {
                    try (WriteBatch batch = new WriteBatch()) {
                        for (int i = from; i < Math.min(keys.length, from + 10_000); i++) {
                            String region = ServingLoadRun.REGIONS[i / 2 % 4];
                            String tier = ServingLoadRun.TIERS[i % 2];
                            batch.put(keys[i], ServingLoadRun.envelope(keys[i], i / 8, region, tier));
                        }
                        db.write(w, batch);
                    }
                }
            }
            try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
                db.flush(f);
            }
            db.compactRange();
        }

        long sstBytes() throws IOException {
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(p -> p.toString().endsWith(".sst"))
                        .mapToLong(p -> p.toFile().length())
                        .sum();
            }
        }

        void read(byte[][] keys, int lookups, Histogram h, SplittableRandom random) throws RocksDBException {
            long found = 0;
            for (int n = 0; n < lookups; n++) {
                byte[] k = keys[random.nextInt(keys.length)];
                key.clear();
                key.put(k).flip();
                value.clear();
                long t = System.nanoTime();
                int len = db.get(read, key, value);
                h.recordValue(Math.min(System.nanoTime() - t, 10_000_000L));
                found += len > 0 ? 1 : 0;
            }
            if (found != lookups) {
                throw new IllegalStateException(layout.name + ": " + (lookups - found) + " keys not found");
            }
        }

        @Override
        public void close() {
            read.close();
            db.close();
            options.close();
            cache.close();
            bloom.close();
        }
    }
}
