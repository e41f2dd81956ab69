package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.StoreConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The {@link IngestSink} of a {@link VersionStore}. An adapter rather than {@code VersionStore implements IngestSink}:
 * interface methods are public, and the store's write side must stay package-private (it is a public class that
 * serving-node holds).
 */
final class VersionIngestSink implements IngestSink {
    private final VersionStore store;
    private final StoreConfig config;

    VersionIngestSink(VersionStore store, StoreConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public ViewDescriptor descriptor() {
        return store.descriptor();
    }

    @Override
    public Set<Integer> partitions() {
        return store.partitions();
    }

    @Override
    public Path dir() {
        return store.dir();
    }

    @Override
    public Map<Integer, Long> storedOffsets() {
        return store.storedOffsets();
    }

    @Override
    public void apply(List<ConsumerRecord<byte[], byte[]>> records, Map<Integer, Long> nextOffsets) {
        store.apply(records, nextOffsets);
    }

    @Override
    public void maintainNearCache() {
        store.maintainNearCache();
    }

    @Override
    public void onCaughtUp(long millis) {
        store.markLoaded();
        store.onCaughtUp(millis);
    }

    @Override
    public void resumeWrites() {
        store.rocks().resume();
    }

    @Override
    public boolean needsBulkLoad() {
        return store.needsBulkLoad();
    }

    @Override
    public BulkLoader bulkLoader(LoadProgress progress) {
        return new BulkLoader(
                store.rocks(), store.dir().resolve("bulk"), config.bulkRunBytes(), config.pollTimeout(), progress);
    }

    @Override
    public void onBulkLoaded(Map<Integer, Long> nextOffsets) {
        store.finishBulk(nextOffsets);
        store.markLoaded();
    }

    @Override
    public void warmNearCache() {
        store.warmNearCache();
    }

    @Override
    public boolean openNearCache() {
        return store.openNearCache();
    }

    @Override
    public void refillNearCache() {
        store.refillNearCache();
    }
}
