package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The process {@link CrashRecoveryTest} kills and {@link CleanShutdownTest} stops: opens the store, holds one view
 * version, ingests until it is ended. Args: dataDir bootstrapServers viewName partitionCount readyFile closeOnExit.
 */
public final class IngestingChild {
    private IngestingChild() {}

    private static long stored(ViewStatus status) {
        long sum = 0;
        for (ViewStatus.PartitionStatus p : status.partitions()) {
            sum += p.offset();
        }
        return sum;
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        ViewDescriptor view = ViewDescriptor.of(args[2], 1, "id");
        Set<Integer> partitions = new HashSet<>();
        for (int p = 0; p < Integer.parseInt(args[3]); p++) {
            partitions.add(p);
        }
        VersionedResponseStore store = ResponseStores.open(
                StoreConfig.of(dataDir, args[1]).withNearCache(CrashRecoveryTest.NEAR_CACHE_ENTRIES, 1 << 20));
        if (Boolean.parseBoolean(args[5])) {
            Runtime.getRuntime().addShutdownHook(new Thread(store::close, "close-store"));
        }
        store.addVersion(view, partitions);
        store.makeCurrent(view.name(), 1);
        // Ready once ingest has made progress in this process, so every kill lands while it is applying batches.
        long atOpen = stored(store.status(view.name(), 1));
        while (stored(store.status(view.name(), 1)) == atOpen) {
            Thread.sleep(5);
        }
        Files.writeString(Path.of(args[4]), "ready");
        Thread.currentThread().join(); // ingest runs on its own thread until this process is ended
    }
}
