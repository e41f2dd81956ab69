package io.matstore.bench.all;

import io.matstore.bench.all.ScenarioTable.Met;
import io.matstore.bench.http.FixedBodyServer;
import io.matstore.bench.serving.BatchLoadRun;
import io.matstore.bench.serving.CaughtUpStore;
import io.matstore.bench.serving.PipelinedLoadRun;
import io.matstore.bench.serving.ServingLoadRun;
import io.matstore.bench.serving.Wrk;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import java.nio.file.Path;
import java.util.Map;

/**
 * The HTTP scenarios of {@link AllScenarios} on one broker, one store and one node (one I/O thread) beside the
 * minimal Netty server ({@link FixedBodyServer}, one event loop, a body of the envelope's size), all on 127.0.0.1
 * with {@code wrk -t1 -c64}. The measuring is the runners' own ({@link PipelinedLoadRun#compare},
 * {@link BatchLoadRun#lookupsPerSecond}); what differs is that they share one store whose near-cache holds 10 % of
 * the keys: the hot set ({@link ServingLoadRun#HOT_SKUS}) fits it, so plain, pipelined and batch requests are hits,
 * and uniform requests over all keys are mostly RocksDB reads.
 */
final class ServingScenarios {
    // issue 15 set batches at 1M (JSON) and 1.5M (binary) lookups/s where a plain GET did 126k/s on the same box
    private static final double ISSUE_GET_ANCHOR = 126_000;
    private static final double JSON_GOAL = 1_000_000 / ISSUE_GET_ANCHOR;
    private static final double BINARY_GOAL = 1_500_000 / ISSUE_GET_ANCHOR;

    private final Mode mode;
    private final Wrk wrk;
    private final ScenarioTable table;

    ServingScenarios(Mode mode, Wrk wrk, ScenarioTable table) {
        this.mode = mode;
        this.wrk = wrk;
        this.table = table;
    }

    void run(Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            int bodyBytes = ServingLoadRun.produceView(kafka.bootstrapServers(), topic, mode.skus());
            try (VersionedResponseStore store =
                    CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(), mode.nearCache())) {
                ServingNode node = new ServingNode();
                int port = node.start(store, ServingConfig.of(BatchLoadRun.nodeSettings()));
                try (FixedBodyServer floor = new FixedBodyServer(0, bodyBytes, 1)) {
                    warmUp(floor.port(), port);
                    for (int round = 1; round <= mode.rounds(); round++) {
                        round(round, floor.port(), port);
                    }
                } finally {
                    node.close();
                }
            }
        }
    }

    private void warmUp(int floorPort, int nodePort) throws Exception {
        int hot = ServingLoadRun.HOT_SKUS;
        int w = mode.warmUpSeconds();
        wrk.run(floorPort, w, hot, "fixed", null);
        for (String m : new String[] {"keys", "pipe-keys", "batch-json", "batch-fb"}) {
            wrk.run(nodePort, w, hot, m, null);
        }
        wrk.run(nodePort, w, mode.skus(), "keys", null);
    }

    private void round(int round, int floorPort, int nodePort) throws Exception {
        String r = mode.rounds() > 1 ? " (round " + round + ")" : "";
        int hot = ServingLoadRun.HOT_SKUS;
        int s = mode.seconds();
        PipelinedLoadRun.Pair plain = PipelinedLoadRun.compare(wrk, floorPort, nodePort, s, hot, "fixed", "keys");
        table.add(
                "plain GET, node vs minimal Netty server" + r,
                rate(plain.node()),
                rate(plain.floor()),
                plain.rateRatio(),
                "2: rate ≥ 0.95×",
                Met.of(plain.rateRatio() >= 0.95));
        table.add(
                "plain GET p99, node vs minimal Netty server" + r,
                plain.node().p99() + " µs",
                plain.floor().p99() + " µs",
                plain.p99Ratio(),
                "2: p99 ≤ 1.2×",
                Met.of(plain.p99Ratio() <= 1.2));
        PipelinedLoadRun.Pair piped =
                PipelinedLoadRun.compare(wrk, floorPort, nodePort, s, hot, "pipe-fixed", "pipe-keys");
        table.add(
                "16 pipelined, node vs minimal Netty server" + r,
                rate(piped.node()),
                rate(piped.floor()),
                piped.rateRatio(),
                "1: rate ≥ 0.9×",
                Met.of(piped.rateRatio() >= 0.9));

        double getLookups = BatchLoadRun.lookupsPerSecond(plain.node(), "keys");
        batch(r, nodePort, "batch-json", "batch of 100, JSON", JSON_GOAL, "1M", getLookups);
        batch(r, nodePort, "batch-fb", "batch of 100, binary", BINARY_GOAL, "1.5M", getLookups);

        Wrk.Result misses = wrk.run(nodePort, s, mode.skus(), "keys", null);
        Wrk.Result hits = wrk.run(nodePort, s, hot, "keys", null);
        table.add(
                "misses (uniform over " + mode.skus() * 8 + " keys, near-cache " + mode.nearCache()
                        + ") vs near-cache hits" + r,
                rate(misses),
                rate(hits),
                misses.requestsPerSecond() / hits.requestsPerSecond(),
                "7: reported, no ratio set",
                Met.NO_THRESHOLD);
        long errors = plain.floor().errors()
                + plain.node().errors()
                + piped.floor().errors()
                + piped.node().errors()
                + misses.errors()
                + hits.errors();
        if (errors > 0) {
            System.out.printf("round %d: %d non-2xx/3xx or socket errors in the HTTP runs%n", round, errors);
        }
    }

    private void batch(
            String r, int nodePort, String wrkMode, String name, double goal, String goalText, double getLookups)
            throws Exception {
        Wrk.Result b = wrk.run(nodePort, mode.seconds(), ServingLoadRun.HOT_SKUS, wrkMode, null);
        double lookups = BatchLoadRun.lookupsPerSecond(b, wrkMode);
        table.add(
                name + ", lookups/s vs plain GET lookups/s" + r,
                String.format("%,.0f/s", lookups),
                String.format("%,.0f/s", getLookups),
                lookups / getLookups,
                String.format("3: %s/s = %.1f× the issue's 126k GET", goalText, goal),
                Met.of(lookups / getLookups >= goal));
    }

    private static String rate(Wrk.Result r) {
        return String.format("%,.0f req/s", r.requestsPerSecond());
    }
}
