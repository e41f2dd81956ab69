package io.matstore.store;

import io.matstore.store.internal.DefaultResponseStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/** Opens response stores. */
public final class ResponseStores {
    private ResponseStores() {}

    /**
     * Opens (or creates) the store in {@code config.dataDir()}: every view version found there is reopened, its
     * near-cache answers at once (when it was closed cleanly; otherwise RocksDB answers while it is refilled), and
     * its ingest resumes from the offsets stored with its values.
     *
     * @throws StoreException when a version's files cannot be opened
     */
    public static VersionedResponseStore open(StoreConfig config) {
        return DefaultResponseStore.open(config);
    }

    /**
     * Opens the store like {@link #open(StoreConfig)} and keeps the meters of every view version it holds on
     * {@code registry}, tagged {@code view} and {@code version}, from when the version is opened until it is closed
     * or dropped (docs/api.md, "/metrics"): freshness (event-to-servable time) of live ingest, ingest errors,
     * RocksDB statistics, and the ingest consumer's Kafka client metrics. RocksDB collects statistics only in a store
     * opened this way. A serving node passes its own registry ({@code ServingNode.meterRegistry()}).
     *
     * @throws StoreException when a version's files cannot be opened
     */
    public static VersionedResponseStore open(StoreConfig config, MeterRegistry registry) {
        return DefaultResponseStore.open(config, Objects.requireNonNull(registry, "registry"));
    }
}
