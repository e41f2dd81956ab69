package io.matstore.precompute;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/** The one kind of store views use: persistent (RocksDB), changelogged, bytes to bytes, each task its own. */
public final class ViewStores {
    private ViewStores() {}

    /**
     * Caching is off: every put goes to RocksDB and the changelog at once, so prefix scans and gets in the same
     * event see it, and the record cache does not hold large fan-outs in the heap.
     */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> bytesStore(String name) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                        org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name),
                        Serdes.Bytes(),
                        Serdes.ByteArray())
                .withCachingDisabled();
    }
}
