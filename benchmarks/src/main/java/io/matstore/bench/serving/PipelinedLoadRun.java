package io.matstore.bench.serving;

import io.matstore.bench.http.FixedBodyServer;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Plain and pipelined GETs (16 requests per write) against a real serving node, each beside its anchor in the same
 * round: the minimal Netty server with a fixed body of the envelope's size ({@link FixedBodyServer}), one event-loop
 * thread each, {@code wrk -t1 -c64}. Keys are near-cache hits. Rounds alternate node and floor, so a neighbour's load
 * spreads over both.
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.serving.PipelinedLoadRun [skus] [seconds] [rounds]
 * </pre>
 * Defaults: 250 skus (2,000 keys), 10 s per scenario after a 3 s warm-up, 2 rounds. Traffic goes to 127.0.0.1 only;
 * the servers and every wrk process stop by themselves.
 */
public final class PipelinedLoadRun {
    private PipelinedLoadRun() {}

    public static void main(String[] args) throws Exception {
        int skus = args.length > 0 ? Integer.parseInt(args[0]) : 250;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path dir = Files.createTempDirectory("pipelined-load-");
        Wrk wrk = new Wrk(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            int bodyBytes = ServingLoadRun.produceView(kafka.bootstrapServers(), topic, skus);
            try (VersionedResponseStore store =
                    CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(), skus * 16L)) {
                ServingNode node = new ServingNode();
                int port = node.start(
                        store, ServingConfig.of(Map.of(ServingConfig.PORT, "0", ServingConfig.IO_THREADS, "1")));
                try (FixedBodyServer floor = new FixedBodyServer(0, bodyBytes, 1)) {
                    wrk.run(floor.port(), 3, skus, "fixed", null);
                    wrk.run(port, 3, skus, "keys", null);
                    System.out.println("| round | scenario | floor req/s | node req/s | node/floor rate | floor p99 µs"
                            + " | node p99 µs | node/floor p99 | errors |");
                    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
                    for (int round = 1; round <= rounds; round++) {
                        row(wrk, round, "plain GET", floor.port(), port, seconds, skus, "fixed", "keys");
                        row(wrk, round, "16 pipelined", floor.port(), port, seconds, skus, "pipe-fixed", "pipe-keys");
                    }
                } finally {
                    node.close();
                }
            }
        }
    }

    /** One scenario measured on the floor then on the node, back to back. */
    public record Pair(Wrk.Result floor, Wrk.Result node) {
        public double rateRatio() {
            return node.requestsPerSecond() / floor.requestsPerSecond();
        }

        public double p99Ratio() {
            return (double) node.p99() / floor.p99();
        }
    }

    /**
     * Runs wrk against the floor then the node with the same keys and depth; also used by
     * {@code io.matstore.bench.AllScenarios}.
     *
     * @param floorMode "fixed" or "pipe-fixed"; nodeMode the matching "keys" or "pipe-keys"
     */
    public static Pair compare(
            Wrk wrk, int floorPort, int nodePort, int seconds, int skus, String floorMode, String nodeMode)
            throws Exception {
        Wrk.Result f = wrk.run(floorPort, seconds, skus, floorMode, null);
        Wrk.Result n = wrk.run(nodePort, seconds, skus, nodeMode, null);
        return new Pair(f, n);
    }

    private static void row(
            Wrk wrk,
            int round,
            String name,
            int floorPort,
            int nodePort,
            int seconds,
            int skus,
            String floorMode,
            String nodeMode)
            throws Exception {
        Pair p = compare(wrk, floorPort, nodePort, seconds, skus, floorMode, nodeMode);
        Wrk.Result f = p.floor();
        Wrk.Result n = p.node();
        System.out.printf(
                "| %d | %s | %,.0f | %,.0f | %.2f | %d | %d | %.2f | %d |%n",
                round,
                name,
                f.requestsPerSecond(),
                n.requestsPerSecond(),
                p.rateRatio(),
                f.p99(),
                n.p99(),
                p.p99Ratio(),
                f.errors() + n.errors());
    }
}
