package io.matstore.bench.serving;

import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The store the load runs measure: offers v1 held whole and current, handed over once it has caught up (ServingLoadRun
 * opens its own, to time the ingest).
 */
public final class CaughtUpStore {
    private CaughtUpStore() {}

    /**
     * @param nearCacheEntries near-cache capacity (its bytes: 512 per entry, the offers response's size class)
     * @return the open store, caught up with the view topic; the caller closes it
     */
    public static VersionedResponseStore offersV1(Path dir, String bootstrap, long nearCacheEntries)
            throws InterruptedException {
        StoreConfig config = StoreConfig.of(dir, bootstrap).withNearCache(nearCacheEntries, nearCacheEntries * 512);
        VersionedResponseStore store = ResponseStores.open(config);
        try {
            store.addVersion(OffersContract.V1, Set.of(0, 1, 2, 3));
            store.makeCurrent("offers", 1);
            if (!store.awaitCaughtUp("offers", 1, Duration.ofMinutes(5))) {
                throw new IllegalStateException("store did not catch up in 5 minutes");
            }
            return store;
        } catch (RuntimeException | InterruptedException e) {
            store.close();
            throw e;
        }
    }
}
