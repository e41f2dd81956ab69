package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The process {@link BulkLoadCrashTest} kills in the middle of a bulk load: opens the store with small runs, adds a
 * fresh version in bulk mode, and says it is ready once a fifth of the topic is loaded and runs are in RocksDB.
 * Args: dataDir bootstrapServers viewName readyFile.
 */
public final class BulkLoadingChild {
    private BulkLoadingChild() {}

    public static void main(String[] args) throws Exception {
        ViewDescriptor view = ViewDescriptor.of(args[2], 1, "id");
        VersionedResponseStore store = ResponseStores.open(StoreConfig.of(Path.of(args[0]), args[1])
                .withNearCache(1_000, 1 << 20)
                .withBulkRunBytes(64 * 1024));
        store.addVersion(view, Set.of(0, 1), LoadMode.BULK);
        while (true) {
            ViewStatus s = store.status(view.name(), 1);
            if (s.phase() == ViewStatus.Phase.BULK_LOADING
                    && s.loadTargetRecords() > 0
                    && s.loadedRecords() * 5 > s.loadTargetRecords()
                    && s.entries() > 0) {
                break;
            }
            Thread.sleep(1);
        }
        Files.writeString(Path.of(args[3]), "ready");
        Thread.currentThread().join(); // the bulk load runs on its own thread until this process is killed
    }
}
