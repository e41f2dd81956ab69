package io.matstore.bench.serving;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Batch lookups against a real serving node on loopback ({@code wrk -t1 -c64}, one event-loop thread): POSTs of 100
 * keys answered in JSON and in the binary layout ({@code batch.fbs}), beside the anchor measured in the same run,
 * plain GETs of the same keys. Every key fits the near-cache, so this is the batch path's own cost, not RocksDB's.
 * Rounds alternate the scenarios, so a neighbour's load spreads over all of them.
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.serving.BatchLoadRun [skus] [seconds] [rounds]
 * </pre>
 * Defaults: 2,000 skus (16,000 keys), 10 s per scenario after a 3 s warm-up, 2 rounds. Traffic goes to 127.0.0.1
 * only; the node and every wrk process stop by themselves.
 */
public final class BatchLoadRun {
    /** Keys per batch: the node's {@code serving.batch.max.items} and the wrk script's batch size. */
    public static final int ITEMS = 100;

    private BatchLoadRun() {}

    public static void main(String[] args) throws Exception {
        int skus = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path dir = Files.createTempDirectory("batch-load-");
        Wrk wrk = new Wrk(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            ServingLoadRun.produceView(kafka.bootstrapServers(), topic, skus);
            try (VersionedResponseStore store =
                    CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(), skus * 16L)) {
                ServingNode node = new ServingNode();
                int port = node.start(store, ServingConfig.of(nodeSettings()));
                try {
                    String[] modes = {"keys", "batch-json", "batch-fb"};
                    for (String mode : modes) {
                        wrk.run(port, 3, skus, mode, null);
                    }
                    System.out.println("| round | scenario | req/s | lookups/s | ratio to GET lookups/s | p50 µs"
                            + " | p99 µs | errors |");
                    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
                    for (int round = 1; round <= rounds; round++) {
                        double anchor = 0;
                        for (String mode : modes) {
                            Wrk.Result r = wrk.run(port, seconds, skus, mode, null);
                            double lookups = lookupsPerSecond(r, mode);
                            if (mode.equals("keys")) {
                                anchor = lookups;
                            }
                            System.out.printf(
                                    "| %d | %s | %,.0f | %,.0f | %.2f | %d | %d | %d |%n",
                                    round,
                                    mode.equals("keys") ? "GET (anchor)" : mode,
                                    r.requestsPerSecond(),
                                    lookups,
                                    lookups / anchor,
                                    r.p50(),
                                    r.p99(),
                                    r.errors());
                        }
                    }
                } finally {
                    node.close();
                }
            }
        }
    }

    /** The node these runs measure: an ephemeral port, one I/O thread, batches of up to {@link #ITEMS} keys. */
    public static Map<String, String> nodeSettings() {
        return Map.of(
                ServingConfig.PORT,
                "0",
                ServingConfig.IO_THREADS,
                "1",
                ServingConfig.BATCH_MAX_ITEMS,
                String.valueOf(ITEMS));
    }

    /** @param mode a wrk script mode: "keys" counts one lookup per request, "batch-*" {@link #ITEMS} */
    public static double lookupsPerSecond(Wrk.Result r, String mode) {
        return r.requestsPerSecond() * (mode.startsWith("batch-") ? ITEMS : 1);
    }
}
