package io.matstore.launcher;

import io.matstore.store.StoreConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of a serving node's store, each defined once (name, type, default, validator, doc). Environment variables
 * {@code MATSTORE_<NAME>} (upper case, dots as underscores) override the defaults, as for every other matstore
 * setting; explicit overrides win over both.
 */
final class StoreSettings extends AbstractConfig {
    static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    static final String DATA_DIR = "store.data.dir";
    static final String PARTITIONS = "store.partitions";
    static final String NEAR_CACHE_ENTRIES = "store.near.cache.entries";
    static final String NEAR_CACHE_BYTES = "store.near.cache.bytes";
    static final String VIEW_VERSION = "store.offers.version";
    static final String BULK_RUN_BYTES = "store.bulk.run.bytes";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, "127.0.0.1:9092", Importance.HIGH,
                    "Kafka brokers of the view topics, host:port, comma-separated.")
            .define(DATA_DIR, Type.STRING, ".local/store", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Where RocksDB and the near-cache files of every view version live.")
            .define(PARTITIONS, Type.LIST, "", Importance.HIGH,
                    "View-topic partitions this node owns (its cell), comma-separated; empty = all of them.")
            .define(NEAR_CACHE_ENTRIES, Type.LONG, StoreConfig.DEFAULT_NEAR_CACHE_ENTRIES, Range.atLeast(16),
                    Importance.MEDIUM, "Near-cache capacity in entries, per view version.")
            .define(NEAR_CACHE_BYTES, Type.LONG, StoreConfig.DEFAULT_NEAR_CACHE_BYTES, Range.atLeast(1024),
                    Importance.MEDIUM, "Near-cache capacity in value bytes, per view version.")
            .define(VIEW_VERSION, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Version of the offers view to ingest and serve when the store holds none yet.")
            .define(BULK_RUN_BYTES, Type.LONG, StoreConfig.DEFAULT_BULK_RUN_BYTES, Range.atLeast(4096),
                    Importance.LOW, "Bulk loading of a fresh version: bytes folded in memory per sorted SST run"
                            + " (the loader's heap is about twice this).");

    private StoreSettings(Map<String, String> values) {
        super(DEFINITION, values, false);
    }

    static StoreSettings load(Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        for (String name : DEFINITION.names()) {
            String v = env.get("MATSTORE_" + name.toUpperCase(Locale.ROOT).replace('.', '_'));
            if (v != null) {
                values.put(name, v);
            }
        }
        values.putAll(overrides);
        return new StoreSettings(values);
    }

    String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS));
    }

    /** Owned partitions, or an empty list for all. */
    List<Integer> partitions() {
        return getList(PARTITIONS).stream().map(Integer::valueOf).toList();
    }

    int offersVersion() {
        return getInt(VIEW_VERSION);
    }

    StoreConfig storeConfig() {
        return StoreConfig.of(Path.of(getString(DATA_DIR)), bootstrapServers())
                .withNearCache(getLong(NEAR_CACHE_ENTRIES), getLong(NEAR_CACHE_BYTES))
                .withBulkRunBytes(getLong(BULK_RUN_BYTES));
    }
}
