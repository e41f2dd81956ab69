package io.matstore.store;

import io.matstore.config.KafkaSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * A serving node's store settings as an operator gives them, each defined once in {@link #DEFINITION} (name, type,
 * default, validator, doc), parsed into a {@link StoreConfig}. {@code bootstrap.servers} and the {@code kafka.*}
 * client settings are {@link KafkaSettings}'; the latter reach every consumer and admin client of the store.
 */
public final class StoreSettings extends AbstractConfig {
    public static final String DATA_DIR = "store.data.dir";
    public static final String PARTITIONS = "store.partitions";
    public static final String NEAR_CACHE_ENTRIES = "store.near.cache.entries";
    public static final String NEAR_CACHE_BYTES = "store.near.cache.bytes";
    public static final String BULK_RUN_BYTES = "store.bulk.run.bytes";
    public static final String BACKGROUND_NICE = "store.background.nice";
    public static final String MIN_FREE_DISK_BYTES = "store.disk.min.free.bytes";
    public static final String BLOCK_CACHE_BYTES = "store.block.cache.bytes";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    DATA_DIR,
                    Type.STRING,
                    ".local/store",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Where RocksDB and the near-cache files of every view version live.")
            .define(
                    PARTITIONS,
                    Type.LIST,
                    "",
                    new Partitions(),
                    Importance.HIGH,
                    "View-topic partitions this node owns (its cell), comma-separated; empty = all of them.")
            .define(
                    NEAR_CACHE_ENTRIES,
                    Type.LONG,
                    StoreConfig.DEFAULT_NEAR_CACHE_ENTRIES,
                    Range.atLeast(16),
                    Importance.MEDIUM,
                    "Near-cache capacity in entries, per view version.")
            .define(
                    NEAR_CACHE_BYTES,
                    Type.LONG,
                    StoreConfig.DEFAULT_NEAR_CACHE_BYTES,
                    Range.atLeast(1024),
                    Importance.MEDIUM,
                    "Near-cache capacity in value bytes, per view version.")
            .define(
                    BULK_RUN_BYTES,
                    Type.LONG,
                    StoreConfig.DEFAULT_BULK_RUN_BYTES,
                    Range.between(4096, StoreConfig.MAX_BULK_RUN_BYTES),
                    Importance.LOW,
                    "Bulk loading of a fresh version: bytes folded in memory per sorted SST run; the loader holds"
                            + " two runs, off the heap (direct memory, within -XX:MaxDirectMemorySize).")
            .define(
                    BACKGROUND_NICE,
                    Type.INT,
                    StoreConfig.DEFAULT_BACKGROUND_NICE,
                    Range.between(0, 19),
                    Importance.LOW,
                    "Linux nice value of the threads that ingest, bulk load and warm near-caches (0 = the same as"
                            + " the serving threads): on the cores that serve they take what the event loops leave,"
                            + " so a bulk load or a catch-up does not raise serving latency. Above 0, RocksDB's"
                            + " compaction threads also go to nice 19 (RocksDB's own setting, for every RocksDB of the"
                            + " process). Best effort: ignored where threads have no nice value of their own.")
            .define(
                    MIN_FREE_DISK_BYTES,
                    Type.LONG,
                    StoreConfig.DEFAULT_MIN_FREE_DISK_BYTES,
                    Range.atLeast(0),
                    Importance.MEDIUM,
                    "Ingest of every version pauses while the data directory's file system has"
                            + " less usable space than this (status: ingest error \"ingest paused: disk full\";"
                            + " metric matstore_ingest_paused_disk_full), and resumes by itself once it has it again."
                            + " Reads go on meanwhile. Leave room for RocksDB's compactions.")
            .define(
                    BLOCK_CACHE_BYTES,
                    Type.LONG,
                    StoreConfig.DEFAULT_BLOCK_CACHE_BYTES,
                    Range.atLeast(1L << 20),
                    Importance.MEDIUM,
                    "RocksDB block cache of the node, shared by every view version it holds (a rebuild's new"
                            + " version beside the current one does not double it): uncompressed data blocks that"
                            + " near-cache misses read from memory. A ceiling, taken as blocks are read. Count it in"
                            + " the node's memory budget beside the near-cache (off-heap, outside -Xmx); sized to hold"
                            + " the current version's values it makes a miss's read a memory read (1,000,000 offers"
                            + " envelopes: ~330 MB). Index and bloom filter blocks are held apart from it, about 2"
                            + " bytes per stored key.");

    private static final ConfigDef ALL = new ConfigDef(KafkaSettings.DEFINITION);

    static {
        DEFINITION.configKeys().values().forEach(ALL::define);
    }

    private final Map<String, String> kafkaClientSettings;

    private StoreSettings(Map<String, String> values) {
        super(ALL, values, false);
        Map<String, String> client = new HashMap<>();
        KafkaSettings.clientSettings(values).forEach((k, v) -> client.put(k, String.valueOf(v)));
        this.kafkaClientSettings = Map.copyOf(client);
    }

    /**
     * @param values raw settings, as {@link io.matstore.config.SettingsSources} gathered them (other roles' settings
     *               among them are ignored here)
     * @throws org.apache.kafka.common.config.ConfigException naming the setting, the value and the limit
     */
    public static StoreSettings of(Map<String, String> values) {
        return new StoreSettings(values);
    }

    public String bootstrapServers() {
        return String.join(",", getList(KafkaSettings.BOOTSTRAP_SERVERS));
    }

    /** Owned partitions, or an empty list for all. */
    public List<Integer> partitions() {
        return getList(PARTITIONS).stream().map(Integer::valueOf).toList();
    }

    /** Properties for an admin client of the store's cluster: the {@code kafka.*} settings and the brokers. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new HashMap<>(kafkaClientSettings);
        p.put(KafkaSettings.BOOTSTRAP_SERVERS, bootstrapServers());
        return p;
    }

    public StoreConfig storeConfig() {
        return StoreConfig.of(Path.of(getString(DATA_DIR)), bootstrapServers())
                .withNearCache(getLong(NEAR_CACHE_ENTRIES), getLong(NEAR_CACHE_BYTES))
                .withBulkRunBytes(getLong(BULK_RUN_BYTES))
                .withMinFreeDiskBytes(getLong(MIN_FREE_DISK_BYTES))
                .withBlockCacheBytes(getLong(BLOCK_CACHE_BYTES))
                .withBackgroundNice(getInt(BACKGROUND_NICE))
                .withConsumerOverrides(kafkaClientSettings);
    }

    /** Partition numbers, each at least 0, no repeats. */
    static final class Partitions implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) value;
            Set<Integer> seen = new HashSet<>();
            for (String s : list) {
                int p;
                try {
                    p = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new ConfigException(name, value, "\"" + s + "\" is not a partition number");
                }
                if (p < 0 || !seen.add(p)) {
                    throw new ConfigException(
                            name, value, p < 0 ? "partition " + p + " < 0" : "partition " + p + " is listed twice");
                }
            }
        }

        @Override
        public String toString() {
            return "partition numbers, comma-separated, distinct";
        }
    }
}
