package io.matstore.store;

import io.matstore.store.internal.DefaultResponseStore;

/** Opens response stores. */
public final class ResponseStores {
    private ResponseStores() {
    }

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
}
