package io.matstore.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link VersionedResponseStore}, validated once at construction and immutable after.
 *
 * @param dataDir           root directory; each view version lives in {@code <dataDir>/<view>/v<N>/}
 * @param bootstrapServers  Kafka bootstrap servers of the view topics
 * @param nearCacheEntries  near-cache capacity in entries, per view version (fixed when its file is created)
 * @param nearCacheBytes    near-cache capacity in value bytes, per view version; the mapped file is sized from
 *                          {@code nearCacheBytes / nearCacheEntries} as the average value size
 * @param averageKeyBytes   expected canonical key size, sizes the near-cache's key slots
 * @param syncWrites        fsync RocksDB's WAL on every batch; not needed for process crashes (kill -9), only for
 *                          power loss
 * @param pollTimeout       consumer poll timeout of the ingest loop
 * @param consumerOverrides extra kafka-clients consumer settings (e.g. security); the store's own settings
 *                          (isolation level, deserializers, no group) always win
 * @param bulkRunBytes      bulk loading ({@link LoadMode#BULK}): key and value bytes folded in memory before they are
 *                          written as one sorted SST file and ingested; the loader holds two such arenas, off the heap
 *                          (direct memory, within {@code -XX:MaxDirectMemorySize}), at most 1 GiB each
 * @param minFreeDiskBytes  ingest pauses while the data directory's file system has less usable space than this, and
 *                          resumes by itself once it has it again; reads go on from what is stored meanwhile
 * @param blockCacheBytes   RocksDB block cache (uncompressed data blocks), one for the whole store, shared by every
 *                          version it holds: what near-cache misses read from memory instead of the page cache or the
 *                          disk. A ceiling, taken as blocks are read
 * @param backgroundNice    the Linux nice value (0-19, 0 = as the serving threads) of the threads that ingest, bulk
 *                          load and warm near-caches, so that on the cores that serve they take only what the event
 *                          loops leave; above 0, RocksDB's compaction pool also goes to nice 19 (process-wide);
 *                          best effort (ignored where the platform has no per-thread nice)
 */
public record StoreConfig(
        Path dataDir,
        String bootstrapServers,
        long nearCacheEntries,
        long nearCacheBytes,
        int averageKeyBytes,
        boolean syncWrites,
        Duration pollTimeout,
        Map<String, String> consumerOverrides,
        long bulkRunBytes,
        long minFreeDiskBytes,
        long blockCacheBytes,
        int backgroundNice) {

    public static final long DEFAULT_NEAR_CACHE_ENTRIES = 100_000;
    public static final long DEFAULT_NEAR_CACHE_BYTES = 256L << 20;
    public static final int DEFAULT_AVERAGE_KEY_BYTES = 48;
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);
    public static final long DEFAULT_BULK_RUN_BYTES = 64L << 20;
    /** A run is one direct buffer, addressed by {@code int}. */
    public static final long MAX_BULK_RUN_BYTES = 1L << 30;

    public static final long DEFAULT_MIN_FREE_DISK_BYTES = 256L << 20;
    /**
     * Holds the uncompressed data blocks of ~1.5 million offers envelopes (1,000,000 take ~330 MB): one cache per
     * node, so a rebuild's second version shares it instead of doubling it.
     */
    public static final long DEFAULT_BLOCK_CACHE_BYTES = 512L << 20;
    /**
     * Background threads yield to serving: a nice of 10 weighs ~1/10 of a serving thread's (Linux), so a bulk load
     * on the cores that serve takes what the event loops leave (docs/benchmarks.md, "Rebuild of 10,000,000
     * combinations").
     */
    public static final int DEFAULT_BACKGROUND_NICE = 10;

    public StoreConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(pollTimeout, "pollTimeout");
        consumerOverrides = Map.copyOf(consumerOverrides);
        if (nearCacheEntries < 16) {
            throw new IllegalArgumentException("nearCacheEntries=" + nearCacheEntries + " < 16");
        }
        if (nearCacheBytes < nearCacheEntries) {
            throw new IllegalArgumentException("nearCacheBytes=" + nearCacheBytes + " < nearCacheEntries="
                    + nearCacheEntries + " (average value would be under one byte)");
        }
        if (averageKeyBytes < 1 || averageKeyBytes > 4096) {
            throw new IllegalArgumentException("averageKeyBytes=" + averageKeyBytes + " outside 1..4096");
        }
        if (bulkRunBytes < 4096 || bulkRunBytes > MAX_BULK_RUN_BYTES) {
            throw new IllegalArgumentException("bulkRunBytes=" + bulkRunBytes + " outside 4096.." + MAX_BULK_RUN_BYTES);
        }
        if (minFreeDiskBytes < 0) {
            throw new IllegalArgumentException("minFreeDiskBytes=" + minFreeDiskBytes + " < 0");
        }
        if (blockCacheBytes < 1 << 20) {
            throw new IllegalArgumentException("blockCacheBytes=" + blockCacheBytes + " < 1048576");
        }
        if (backgroundNice < 0 || backgroundNice > 19) {
            throw new IllegalArgumentException("backgroundNice=" + backgroundNice + " outside 0..19");
        }
    }

    /** Every setting but {@code blockCacheBytes} and {@code backgroundNice}, which take their defaults. */
    public StoreConfig(
            Path dataDir,
            String bootstrapServers,
            long nearCacheEntries,
            long nearCacheBytes,
            int averageKeyBytes,
            boolean syncWrites,
            Duration pollTimeout,
            Map<String, String> consumerOverrides,
            long bulkRunBytes,
            long minFreeDiskBytes) {
        this(
                dataDir,
                bootstrapServers,
                nearCacheEntries,
                nearCacheBytes,
                averageKeyBytes,
                syncWrites,
                pollTimeout,
                consumerOverrides,
                bulkRunBytes,
                minFreeDiskBytes,
                DEFAULT_BLOCK_CACHE_BYTES,
                DEFAULT_BACKGROUND_NICE);
    }

    /** Every setting but {@code minFreeDiskBytes}, {@code blockCacheBytes} and {@code backgroundNice}: defaults. */
    public StoreConfig(
            Path dataDir,
            String bootstrapServers,
            long nearCacheEntries,
            long nearCacheBytes,
            int averageKeyBytes,
            boolean syncWrites,
            Duration pollTimeout,
            Map<String, String> consumerOverrides,
            long bulkRunBytes) {
        this(
                dataDir,
                bootstrapServers,
                nearCacheEntries,
                nearCacheBytes,
                averageKeyBytes,
                syncWrites,
                pollTimeout,
                consumerOverrides,
                bulkRunBytes,
                DEFAULT_MIN_FREE_DISK_BYTES);
    }

    /** Defaults for everything but where the data lives and where the broker is. */
    public static StoreConfig of(Path dataDir, String bootstrapServers) {
        return new StoreConfig(
                dataDir,
                bootstrapServers,
                DEFAULT_NEAR_CACHE_ENTRIES,
                DEFAULT_NEAR_CACHE_BYTES,
                DEFAULT_AVERAGE_KEY_BYTES,
                false,
                DEFAULT_POLL_TIMEOUT,
                Map.of(),
                DEFAULT_BULK_RUN_BYTES);
    }

    public StoreConfig withNearCache(long entries, long bytes) {
        return new StoreConfig(
                dataDir,
                bootstrapServers,
                entries,
                bytes,
                averageKeyBytes,
                syncWrites,
                pollTimeout,
                consumerOverrides,
                bulkRunBytes,
                minFreeDiskBytes,
                blockCacheBytes,
                backgroundNice);
    }

    public StoreConfig withBulkRunBytes(long runBytes) {
        return new StoreConfig(
                dataDir,
                bootstrapServers,
                nearCacheEntries,
                nearCacheBytes,
                averageKeyBytes,
                syncWrites,
                pollTimeout,
                consumerOverrides,
                runBytes,
                minFreeDiskBytes,
                blockCacheBytes,
                backgroundNice);
    }

    public StoreConfig withConsumerOverrides(Map<String, String> overrides) {
        return new StoreConfig(
                dataDir,
                bootstrapServers,
                nearCacheEntries,
                nearCacheBytes,
                averageKeyBytes,
                syncWrites,
                pollTimeout,
                overrides,
                bulkRunBytes,
                minFreeDiskBytes,
                blockCacheBytes,
                backgroundNice);
    }

    public StoreConfig withMinFreeDiskBytes(long bytes) {
        return new StoreConfig(
                dataDir,
                bootstrapServers,
                nearCacheEntries,
                nearCacheBytes,
                averageKeyBytes,
                syncWrites,
                pollTimeout,
                consumerOverrides,
                bulkRunBytes,
                bytes,
                blockCacheBytes,
                backgroundNice);
    }

    public StoreConfig withBlockCacheBytes(long bytes) {
        return new StoreConfig(
                dataDir,
                bootstrapServers,
                nearCacheEntries,
                nearCacheBytes,
                averageKeyBytes,
                syncWrites,
                pollTimeout,
                consumerOverrides,
                bulkRunBytes,
                minFreeDiskBytes,
                bytes,
                backgroundNice);
    }

    public StoreConfig withBackgroundNice(int nice) {
        return new StoreConfig(
                dataDir,
                bootstrapServers,
                nearCacheEntries,
                nearCacheBytes,
                averageKeyBytes,
                syncWrites,
                pollTimeout,
                consumerOverrides,
                bulkRunBytes,
                minFreeDiskBytes,
                blockCacheBytes,
                nice);
    }

    /** Average value size the near-cache file is laid out for. */
    public double averageValueBytes() {
        return (double) nearCacheBytes / nearCacheEntries;
    }
}
