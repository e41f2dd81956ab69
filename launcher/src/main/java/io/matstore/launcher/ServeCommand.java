package io.matstore.launcher;

import io.matstore.schemas.offers.OffersContract;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code matstore serve}: a serving node with its store, ingesting the offers view topic, until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run a serving node: ingest the offers view topic into RocksDB + near-cache, answer HTTP.",
                "Settings: MATSTORE_* environment variables (MATSTORE_BOOTSTRAP_SERVERS, MATSTORE_STORE_DATA_DIR, "
                        + "MATSTORE_STORE_PARTITIONS, MATSTORE_SERVING_PORT, ...; see docs/operations.md)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Serving settings (.properties).")
    Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "NAME=VALUE", description = "A store setting that wins.")
    Map<String, String> storeOverrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        ServingConfig serving = ServingConfig.load(configFile, System.getenv());
        StoreSettings settings = StoreSettings.load(System.getenv(), storeOverrides);
        ServingNode node = new ServingNode();
        VersionedResponseStore store = StoreBootstrap.open(settings,
                OffersContract.V1.withVersion(settings.offersVersion()), node.meterRegistry());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            store.close();
            stopped.countDown();
        }, "matstore-serve-shutdown"));
        int port = node.start(store, serving);
        System.out.println("serving on " + serving.host() + ":" + port + " (store " + settings.storeConfig().dataDir()
                + ")");
        if (node.adminPort() > 0) {
            System.out.println("admin endpoint on " + serving.adminHost() + ":" + node.adminPort()
                    + (serving.adminToken() == null ? "" : " (bearer token required)"));
        }
        stopped.await();
        return 0;
    }
}
