package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The process {@link SwapRetireCrashTest} kills: swaps between versions 1 and 2 of a view over and over, each time
 * adding the other version again (its directory name reused), loading it, making it current and retiring the one it
 * replaces, until it is killed. Args: dataDir bootstrapServers viewName readyFile.
 */
public final class RetiringChild {
    private RetiringChild() {}

    public static void main(String[] args) throws Exception {
        ViewDescriptor v1 = ViewDescriptor.of(args[2], 1, "id");
        VersionedResponseStore store =
                ResponseStores.open(StoreConfig.of(Path.of(args[0]), args[1]).withNearCache(1_000, 1 << 20));
        if (store.current(v1.name()) == null) {
            store.addVersion(v1, Set.of(0), LoadMode.LIVE);
            store.makeCurrent(v1.name(), 1);
        }
        boolean ready = false;
        while (true) {
            int current = store.current(v1.name()).descriptor().version();
            int next = 3 - current;
            store.addVersion(v1.withVersion(next), Set.of(0), LoadMode.LIVE);
            if (!store.awaitCaughtUp(v1.name(), next, Duration.ofSeconds(30))) {
                throw new IllegalStateException("version " + next + " did not catch up");
            }
            store.makeCurrent(v1.name(), next);
            store.dropVersion(v1.name(), current);
            System.out.println("swapped " + current + " -> " + next); // the test prints how far each run got
            if (!ready) {
                // after one whole swap: the kill then lands anywhere in the later ones, not in the JVM's start
                Files.writeString(Path.of(args[3]), "ready");
                ready = true;
            }
        }
    }
}
