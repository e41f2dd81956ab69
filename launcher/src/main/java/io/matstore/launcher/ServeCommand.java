package io.matstore.launcher;

import io.matstore.config.SettingsSources;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.serving.ViewSettings;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreSettings;
import io.matstore.store.VersionedResponseStore;
import io.matstore.view.ViewPlugins;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code matstore serve}: a serving node with its store, ingesting the topic of every view in {@code serving.views}
 * (each view found on the class path, {@link ViewPlugins}), until SIGTERM.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run a serving node: ingest the topics of the views in serving.views into RocksDB + near-cache, answer HTTP.",
            "Settings (store, node, views, kafka.*): `bin/matstore config-docs serve`; from files (-c), "
                    + "MATSTORE_* environment variables, then -s."
        })
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "A .properties file of settings; repeatable, later files win.")
    List<Path> files = new ArrayList<>();

    @Option(
            names = {"-s", "--set"},
            paramLabel = "NAME=VALUE",
            description = "A setting that wins over the files and MATSTORE_* environment variables.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> values = SettingsSources.load(Roles.SERVE, files, System.getenv(), overrides);
        ServingConfig serving = ServingConfig.of(values);
        StoreSettings settings = StoreSettings.of(values);
        ViewPlugins views = ViewPlugins.discover();
        try {
            for (ViewSettings view : serving.views()) {
                views.require(view.view()).version(serving.initialVersion(view.view()));
            }
        } catch (IllegalArgumentException e) {
            // before anything opens, and reported like any other bad setting (exit code 2)
            throw new ConfigException(ServingConfig.VIEWS + ": " + e.getMessage());
        }
        ServingNode node = new ServingNode();
        VersionedResponseStore store = ResponseStores.open(settings.storeConfig(), node.meterRegistry());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            leave(node, serving);
                            node.close();
                            store.close();
                            stopped.countDown();
                        },
                        "matstore-serve-shutdown"));
        int port;
        try {
            // bound and announced first (holding nothing), so nodes starting together see each other's cells
            port = node.start(store, serving, settings.clientProperties());
            for (ViewSettings view : serving.views()) {
                StoreBootstrap.ensureServing(
                        store,
                        settings,
                        views.require(view.view()).version(serving.initialVersion(view.view())),
                        node,
                        serving.cluster());
            }
            if (serving.cluster().clustered() && settings.partitions().isEmpty()) {
                node.startMoves(store); // partitions follow the assignment when cells join or leave
            }
        } catch (RuntimeException | InterruptedException e) {
            node.close();
            store.close();
            throw e;
        }
        System.out.println("serving on " + serving.host() + ":" + port + " (store "
                + settings.storeConfig().dataDir() + ")");
        if (node.adminPort() > 0) {
            // a generated token is printed once, as Jupyter does: it is the only way to learn it
            System.out.println("admin endpoint on " + serving.adminHost() + ":" + node.adminPort()
                    + (serving.adminToken() == null
                            ? " (bearer token: " + node.adminToken() + ")"
                            : " (bearer token of " + ServingConfig.ADMIN_TOKEN + ")"));
        }
        ClassArchiveTraining.onServing();
        stopped.await();
        return 0;
    }

    /** Hands the node's partitions over before it stops, for up to {@code cluster.leave.timeout.ms}. */
    private static void leave(ServingNode node, ServingConfig serving) {
        long timeout = serving.cluster().leaveTimeoutMillis();
        if (timeout <= 0) {
            return;
        }
        try {
            if (!node.leave(java.time.Duration.ofMillis(timeout))) {
                System.out.println("partitions not all handed over within " + timeout + " ms; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
