package io.matstore.bench.serving;

import io.matstore.bench.http.FixedBodyServer;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Batch lookups against a real serving node on loopback ({@code wrk -t1 -c64}, one event-loop thread): POSTs of 100
 * keys answered in JSON and in the binary layout ({@code batch.fbs}), each beside its anchor measured in the same
 * run: a minimal Netty server ({@link FixedBodyServer}, one event loop) answering the same wrk script's POSTs with a
 * fixed body of the node's answer size. The anchor is the ceiling of the generator (wrk and its Lua on the same
 * cores) plus HTTP for that many bytes: a node at 1.0× the anchor is limited by wrk, not by its own code.
 *
 * <p>The store's near-cache holds 10 % of the keys. Hit batches draw their keys among {@link ServingLoadRun#HOT_SKUS}
 * skus (2,000 keys, promoted to the near-cache during the warm-up, as in {@code AllScenarios}); the miss batch draws
 * them among all keys (~90 % RocksDB reads). Plain GETs of the hot keys are reported too (the earlier anchor).
 * Beside the rates, each row gives the CPU time the busiest event-loop thread of this JVM (the server under test,
 * node or anchor) spent per request: on a shared machine the rates follow the neighbours' load, this much less.
 * Rounds repeat the scenarios in the same order, so a neighbour's load spreads over all of them.
 *
 * <pre>
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -Dio.netty.leakDetection.level=disabled \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.serving.BatchLoadRun [skus] [seconds] [rounds] [loops]
 * </pre>
 * Defaults: 5,000 skus (40,000 keys, near-cache 4,000), 10 s per scenario after a 3 s warm-up, 2 rounds, one event
 * loop in the node and in each anchor; {@code loops} 0 gives both the node's default ({@code serving.io.threads} 0:
 * 2 × cores), and the CPU column is then the busiest loop's, not the server's whole. Traffic
 * goes to 127.0.0.1 only; the node, the anchor servers and every wrk process stop by themselves.
 */
public final class BatchLoadRun {
    /** Keys per batch: the node's {@code serving.batch.max.items} and the wrk script's batch size. */
    public static final int ITEMS = 100;

    private BatchLoadRun() {}

    public static void main(String[] args) throws Exception {
        int skus = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int loops = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int hot = Math.min(skus, ServingLoadRun.HOT_SKUS);
        Path dir = Files.createTempDirectory("batch-load-");
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            Wrk wrk = new Wrk(dir);
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            ServingLoadRun.produceView(kafka.bootstrapServers(), topic, skus);
            long nearCache = Math.max(skus * 8L / 10, hot * 8L * 2);
            try (VersionedResponseStore store =
                    CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(), nearCache)) {
                ServingNode node = new ServingNode();
                int port = node.start(store, ServingConfig.of(nodeSettings(loops)));
                try {
                    for (String mode : new String[] {"keys", "batch-json", "batch-fb"}) {
                        wrk.run(port, 3, hot, mode, null);
                    }
                    wrk.run(port, 3, skus, "batch-fb", null);
                    int jsonBytes = answerBytes(port, hot, "application/json");
                    int fbBytes = answerBytes(port, hot, "application/x-flatbuffers");
                    System.out.printf(
                            "answer of %d hot keys: JSON %,d B, binary %,d B; %d skus (%d keys), near-cache %d;"
                                    + " event loops (node and anchors): %s%n",
                            ITEMS,
                            jsonBytes,
                            fbBytes,
                            skus,
                            skus * 8,
                            nearCache,
                            loops == 0 ? "Netty's default, 2 x cores" : String.valueOf(loops));
                    try (FixedBodyServer jsonAnchor = new FixedBodyServer(0, jsonBytes, loops);
                            FixedBodyServer fbAnchor = new FixedBodyServer(0, fbBytes, loops)) {
                        wrk.run(jsonAnchor.port(), 3, hot, "batch-json", null);
                        wrk.run(fbAnchor.port(), 3, hot, "batch-fb", null);
                        System.out.println("| round | scenario | req/s | lookups/s | ratio to anchor | p50 µs | p99 µs"
                                + " | errors | server loop CPU µs/request |");
                        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
                        for (int round = 1; round <= rounds; round++) {
                            Measured get = timed("GET", () -> wrk.run(port, seconds, hot, "keys", null));
                            row(round, "GET, hot keys", get, lookupsPerSecond(get.wrk(), "keys"), Double.NaN);
                            pair(wrk, round, seconds, hot, "batch-json", jsonAnchor.port(), port, "JSON");
                            pair(wrk, round, seconds, hot, "batch-fb", fbAnchor.port(), port, "binary");
                            Measured misses = timed(
                                    "batch-fb over all keys", () -> wrk.run(port, seconds, skus, "batch-fb", null));
                            row(
                                    round,
                                    "batch, binary, keys over all (~90 % RocksDB)",
                                    misses,
                                    lookupsPerSecond(misses.wrk(), "batch-fb"),
                                    Double.NaN);
                        }
                    }
                } finally {
                    node.close();
                }
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    /** The run's broker, store and script files: tens of MB a run, not to be left behind. */
    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The anchor, then the node, same script and keys; the node's row carries its ratio to the anchor. */
    private static void pair(
            Wrk wrk, int round, int seconds, int skus, String mode, int anchorPort, int nodePort, String format)
            throws Exception {
        Measured anchor = timed("anchor " + mode, () -> wrk.run(anchorPort, seconds, skus, mode, null));
        double anchorLookups = lookupsPerSecond(anchor.wrk(), mode);
        row(round, "anchor: fixed body of the " + format + " answer's size", anchor, anchorLookups, Double.NaN);
        Measured node = timed(mode, () -> wrk.run(nodePort, seconds, skus, mode, null));
        double lookups = lookupsPerSecond(node.wrk(), mode);
        row(round, "batch, " + format + ", hot keys", node, lookups, lookups / anchorLookups);
    }

    private interface WrkRun {
        Wrk.Result run() throws Exception;
    }

    /** A wrk run and the CPU time per request of the busiest event-loop thread during it. */
    private record Measured(Wrk.Result wrk, double loopCpuMicrosPerRequest) {}

    /** Runs wrk, and says on stderr when, to match a profile's samples (JFR) to the scenario. */
    private static Measured timed(String scenario, WrkRun run) throws Exception {
        Map<Long, Long> before = loopCpuNanos();
        LocalTime from = LocalTime.now();
        Wrk.Result r = run.run();
        System.err.println("# " + scenario + " ran " + from + " to " + LocalTime.now());
        long busiest = 0;
        for (Map.Entry<Long, Long> e : loopCpuNanos().entrySet()) {
            busiest = Math.max(busiest, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return new Measured(r, busiest / 1e3 / Math.max(1, r.requests()));
    }

    /** CPU time of every event-loop thread of this JVM (Netty's default names), by thread id. */
    private static Map<Long, Long> loopCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("EventLoop")) {
                cpu.put(t.getId(), mx.getThreadCpuTime(t.getId()));
            }
        }
        return cpu;
    }

    private static void row(int round, String name, Measured m, double lookups, double ratio) {
        Wrk.Result r = m.wrk();
        System.out.printf(
                "| %d | %s | %,.0f | %,.0f | %s | %d | %d | %d | %.1f |%n",
                round,
                name,
                r.requestsPerSecond(),
                lookups,
                Double.isNaN(ratio) ? "" : String.format("%.2f", ratio),
                r.p50(),
                r.p99(),
                r.errors(),
                m.loopCpuMicrosPerRequest());
    }

    /** The size of the node's answer to a batch like the wrk script's, for the anchor's fixed body. */
    private static int answerBytes(int port, int skus, String accept) throws Exception {
        StringJoiner lines = new StringJoiner("\n");
        for (int i = 0; i < ITEMS; i++) {
            lines.add(String.format(
                    "sku=SKU-%06d&region=%s&currency=USD&tier=%s",
                    i % skus,
                    ServingLoadRun.REGIONS[i % ServingLoadRun.REGIONS.length],
                    ServingLoadRun.TIERS[i / 7 % ServingLoadRun.TIERS.length]));
        }
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<byte[]> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/views/offers/batch"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Accept", accept)
                        .POST(HttpRequest.BodyPublishers.ofString(lines.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("batch answered " + r.statusCode());
        }
        return r.body().length;
    }

    /** The node these runs measure: an ephemeral port, one I/O thread, batches of up to {@link #ITEMS} keys. */
    public static Map<String, String> nodeSettings() {
        return nodeSettings(1);
    }

    /** {@link #nodeSettings()} with {@code loops} I/O threads (0: the node's default, 2 × cores). */
    public static Map<String, String> nodeSettings(int loops) {
        return Map.of(
                ServingConfig.PORT,
                "0",
                ServingConfig.IO_THREADS,
                String.valueOf(loops),
                ServingConfig.BATCH_MAX_ITEMS,
                String.valueOf(ITEMS));
    }

    /** @param mode a wrk script mode: "keys" counts one lookup per request, "batch-*" {@link #ITEMS} */
    public static double lookupsPerSecond(Wrk.Result r, String mode) {
        return r.requestsPerSecond() * (mode.startsWith("batch-") ? ITEMS : 1);
    }
}
