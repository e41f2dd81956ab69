package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;

/**
 * The process {@link MoveCrashTest} kills: opens the store, holds partitions 0 and 1 of a view, then adds and drops
 * partition 2 over and over while ingest runs, until it is killed. Args: dataDir bootstrapServers viewName
 * partitionCount readyFile seed.
 */
public final class MovingChild {
    private MovingChild() {}

    public static void main(String[] args) throws Exception {
        ViewDescriptor view = ViewDescriptor.of(args[2], 1, "id");
        int partitions = Integer.parseInt(args[3]);
        Random random = new Random(Long.parseLong(args[5]));
        VersionedResponseStore store = ResponseStores.open(
                StoreConfig.of(Path.of(args[0]), args[1]).withNearCache(CrashRecoveryTest.NEAR_CACHE_ENTRIES, 1 << 20));
        if (store.current(view.name()) == null) {
            store.addVersion(view, Set.of(0, 1));
            store.makeCurrent(view.name(), 1);
        }
        boolean ready = false;
        while (true) {
            store.addPartitions(view.name(), 1, Set.of(2));
            Thread.sleep(random.nextInt(300)); // sometimes killed while partition 2 loads
            store.awaitCaughtUp(view.name(), 1, Duration.ofMillis(random.nextInt(500)));
            if (!ready) {
                Files.writeString(Path.of(args[4]), "ready");
                ready = true;
            }
            store.dropPartitions(view.name(), 1, Set.of(2), partitions);
            Thread.sleep(random.nextInt(800)); // sometimes killed while partition 2 is not held
        }
    }
}
