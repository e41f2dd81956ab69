package io.matstore.it.faults;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One process of the fault run, started by {@link FaultRunProcesses} and killed by it with SIGKILL (or stopped with
 * SIGTERM, which closes it cleanly from a shutdown hook as the launcher's commands do).
 *
 * <p>Args: {@code precompute bootstrap sourceTopic partitions stateDir readyFile},
 * {@code node bootstrap partitions dataDir minFreeBytes readyFile} or {@code broker dataDir port readyFile} (the
 * single-node KRaft broker of the local stack, on a fixed client port, its log kept in {@code dataDir} across
 * restarts). The ready file is written once the process is
 * up; a node writes its HTTP and admin ports in it ({@code port,adminPort}).
 */
public final class FaultRunChild {
    private FaultRunChild() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("precompute")) {
            precompute(args[1], args[2], Integer.parseInt(args[3]), args[4], Path.of(args[5]));
        } else if (args[0].equals("broker")) {
            broker(Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
        } else {
            node(args[1], Integer.parseInt(args[2]), Path.of(args[3]), Long.parseLong(args[4]), Path.of(args[5]));
        }
    }

    private static void precompute(String bootstrap, String source, int partitions, String stateDir, Path ready)
            throws Exception {
        PrecomputeConfig config = PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                PrecomputeConfig.SOURCE_TOPIC,
                source,
                PrecomputeConfig.DEAD_LETTER_TOPIC,
                source + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS,
                Integer.toString(partitions),
                PrecomputeConfig.STATE_DIR,
                stateDir,
                PrecomputeConfig.COMMIT_INTERVAL_MS,
                "100",
                // The broker's minimum: a killed instance's partitions move to the survivor in seconds, not 45 s.
                "kafka.session.timeout.ms",
                "6000",
                "kafka.heartbeat.interval.ms",
                "1500"));
        CountDownLatch fatal = new CountDownLatch(1);
        ViewRunner.Running job = ViewRunner.start(OffersSettings.view(config), config, (now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
                fatal.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(job::close, "close-on-sigterm"));
        announce(ready, "ready");
        fatal.await();
        // A job stopped by a fatal error exits non-zero: the test, its supervisor, restarts it.
        System.out.println("fatal: stream client in ERROR");
        System.exit(3);
    }

    private static void broker(Path dataDir, int port, Path ready) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.inDir(dataDir, port, Map.of());
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "close-on-sigterm"));
        kafka.start();
        announce(ready, "ready");
        Thread.currentThread().join();
    }

    private static void node(String bootstrap, int partitions, Path dataDir, long minFreeBytes, Path ready)
            throws Exception {
        ServingNode node = new ServingNode();
        // A small near-cache: the file is allocated whole, and one node's disk is a small tmpfs in the run.
        VersionedResponseStore store = ResponseStores.open(
                StoreConfig.of(dataDir, bootstrap)
                        .withNearCache(20_000, 16L << 20)
                        .withMinFreeDiskBytes(minFreeBytes),
                node.meterRegistry());
        Set<Integer> all = IntStream.range(0, partitions).boxed().collect(Collectors.toSet());
        if (store.current(OffersContract.V1.name()) == null) {
            store.addVersion(OffersContract.V1, all);
            store.makeCurrent(OffersContract.V1.name(), 1);
        }
        int port = node.start(
                store,
                ServingConfig.of(Map.of(
                        ServingConfig.PORT,
                        "0",
                        ServingConfig.ADMIN_PORT,
                        "0",
                        ServingConfig.ADMIN_TOKEN,
                        NodeAdmin.TOKEN,
                        ServingConfig.STATUS_REFRESH_MS,
                        "100",
                        "view.offers." + ServingConfig.FRESHNESS_OBJECTIVE_MS,
                        "2000")));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            node.close();
                            store.close();
                        },
                        "close-on-sigterm"));
        announce(ready, port + "," + node.adminPort());
        Thread.currentThread().join();
    }

    /** Written whole, then renamed: the test never reads half a port. */
    private static void announce(Path ready, String content) throws Exception {
        Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
    }
}
