package io.matstore.bench.serving;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Overload run: the real serving node (one event loop, real store over a real broker) under an open-loop load
 * ({@link OpenLoopLoad}: a fixed arrival rate whatever the answers, latency from each request's intended send time)
 * at 1×, 2× and 5× its capacity, with three shedding set-ups: the static in-flight cap
 * ({@code serving.shed.limit=static}), the adaptive limit alone (the default), and the adaptive limit with the
 * event-loop lag signal ({@code serving.shed.lag.target.ms}). Capacity (1×) is the answer rate of the node with the
 * static cap under a saturating offer (it sheds nothing: in-flight stays tiny); the unloaded p99 is measured at a
 * tenth of it. Per run: goodput (non-503 answers/s) as a share of the peak (the best goodput seen), p99 of the
 * admitted answers against the unloaded p99, the share shed (503). Writes the markdown table to stdout and an SVG
 * plot to the given file.
 *
 * <pre>
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -Dio.netty.leakDetection.level=disabled -cp benchmarks/target/benchmarks.jar \
 *      io.matstore.bench.serving.OverloadRun [seconds] [svg file] [lag target ms] [lag interval ms]
 * </pre>
 * Near-cache misses (uniform over 200,000 keys, near-cache 20,000): RocksDB reads make each answer cost more than
 * the HTTP work. Traffic goes to 127.0.0.1 only; every run is bounded in time and the node stops at the end.
 */
public final class OverloadRun {
    private static final int SKUS = 25_000;
    private static final int CONNECTIONS = 64;
    private static final int[] LOADS = {1, 2, 5};
    private static final String[] SETUPS = {"static", "adaptive", "adaptive+lag"};

    private OverloadRun() {}

    /** One measured run. */
    private record Row(String limit, int load, double offered, OpenLoopLoad.Result r) {
        double goodput() {
            return r.goodput();
        }

        double shedRatio() {
            return r.shedRatio();
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path svg = Path.of(args.length > 1 ? args[1] : "overload.svg");
        String lagTarget = args.length > 2 ? args[2] : "2";
        String lagInterval = args.length > 3 ? args[3] : "20";
        Path dir = Files.createTempDirectory("overload-");
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            ServingLoadRun.produceView(kafka.bootstrapServers(), topic, SKUS);
            try (VersionedResponseStore store =
                    CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(), 20_000)) {
                List<Row> rows = new ArrayList<>();
                double peak = 0;
                long unloadedP99 = 0;
                double capacity = 0;
                for (String setup : SETUPS) {
                    ServingNode node = new ServingNode();
                    int port = node.start(
                            store,
                            ServingConfig.of(Map.of(
                                    ServingConfig.PORT,
                                    "0",
                                    ServingConfig.IO_THREADS,
                                    "1",
                                    ServingConfig.SHED_LIMIT,
                                    setup.startsWith("adaptive") ? "adaptive" : "static",
                                    ServingConfig.SHED_LAG_TARGET_MS,
                                    setup.endsWith("+lag") ? lagTarget : "0",
                                    ServingConfig.SHED_LAG_INTERVAL_MS,
                                    lagInterval)));
                    try {
                        if (capacity == 0) {
                            once(port, 2_000, 3); // warm-up
                            capacity = calibrate(port);
                            OpenLoopLoad.Result idle = once(port, capacity / 10, Math.max(3, seconds / 2));
                            unloadedP99 = idle.p99();
                            System.out.printf(
                                    "capacity %,.0f req/s; unloaded p99 %d us at %,.0f req/s%n",
                                    capacity, unloadedP99, capacity / 10);
                        } else {
                            once(port, capacity, 3); // warm-up
                        }
                        for (int load : LOADS) {
                            OpenLoopLoad.Result r = once(port, capacity * load, seconds);
                            Row row = new Row(setup, load, capacity * load, r);
                            peak = Math.max(peak, r.goodput());
                            rows.add(row);
                            System.out.printf(
                                    "%s %dx (%,.0f req/s): %,.0f good/s, admitted p99 %d us, shed %.3f,"
                                            + " unanswered %d, generator max lag %d us%n",
                                    setup,
                                    load,
                                    capacity * load,
                                    r.goodput(),
                                    r.p99(),
                                    r.shedRatio(),
                                    r.unanswered(),
                                    r.maxSendLagMicros());
                        }
                    } finally {
                        node.close();
                    }
                }
                System.out.printf(
                        "%npeak %,.0f answers/s, capacity %,.0f, unloaded p99 %d us%n%n", peak, capacity, unloadedP99);
                System.out.println("| shedding | load | offered/s | goodput/s | goodput / peak | admitted p99 µs"
                        + " | p99 / unloaded p99 | shed | unanswered |");
                System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
                for (Row row : rows) {
                    System.out.printf(
                            "| %s | %d× | %,.0f | %,.0f | %.2f | %,d | %.1f | %.3f | %d |%n",
                            row.limit(),
                            row.load(),
                            row.offered(),
                            row.goodput(),
                            row.goodput() / peak,
                            row.r().p99(),
                            (double) row.r().p99() / unloadedP99,
                            row.shedRatio(),
                            row.r().unanswered());
                }
                Files.writeString(svg, plot(rows, peak, unloadedP99), StandardCharsets.UTF_8);
                System.out.println("plot: " + svg.toAbsolutePath());
            }
        }
    }

    /**
     * The highest offered rate the node keeps up with: rates rise by a quarter every 2 s step from 1,000 req/s
     * until a step's answer rate (answers over the time to the last one) falls below 95 % of its offer: a queue
     * that grows. Not latency: on a shared machine p99 is long at any rate. The last step that passed is the
     * capacity. Each step starts on fresh connections after the previous one drained.
     */
    private static double calibrate(int port) throws InterruptedException {
        double passed = 0;
        for (double rate = 1_000; rate < 1_000_000; rate *= 1.25) {
            OpenLoopLoad.Result r = once(port, rate, 2);
            System.out.printf(
                    "calibration %,.0f req/s: %,.0f answered/s (sent %d, answered %d, shed %d), p99 %d us,"
                            + " generator max lag %d us%n",
                    rate, r.goodput(), r.sent(), r.answered(), r.shed(), r.p99(), r.maxSendLagMicros());
            if (r.goodput() < 0.95 * rate) {
                break;
            }
            passed = rate;
        }
        if (passed == 0) {
            throw new IllegalStateException("the node kept up with no rate from 1,000 req/s");
        }
        return passed;
    }

    /** One bounded open-loop run on fresh connections (answers of an earlier run cannot leak into this one). */
    private static OpenLoopLoad.Result once(int port, double rate, double seconds) throws InterruptedException {
        try (OpenLoopLoad load = new OpenLoopLoad(port, CONNECTIONS, SKUS)) {
            return load.run(rate, seconds);
        }
    }

    /** Two panels, goodput / peak and p99 / unloaded p99 against load, a line per limit. */
    private static String plot(List<Row> rows, double peak, long unloadedP99) {
        StringBuilder b = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"260\""
                + " font-family=\"sans-serif\" font-size=\"11\">\n");
        double maxP99 = 1;
        for (Row r : rows) {
            maxP99 = Math.max(maxP99, (double) r.r().p99() / unloadedP99);
        }
        panel(b, 40, "goodput / peak", rows, r -> r.goodput() / peak, 1.2);
        panel(b, 360, "p99 / unloaded p99", rows, r -> (double) r.r().p99() / unloadedP99, Math.ceil(maxP99));
        b.append("<text x=\"40\" y=\"250\" fill=\"#1f77b4\">static cap</text>")
                .append("<text x=\"120\" y=\"250\" fill=\"#d62728\">adaptive limit</text>")
                .append("<text x=\"220\" y=\"250\" fill=\"#2ca02c\">adaptive limit + loop lag</text>\n</svg>\n");
        return b.toString();
    }

    private static void panel(
            StringBuilder b,
            int x0,
            String title,
            List<Row> rows,
            java.util.function.ToDoubleFunction<Row> y,
            double yMax) {
        int w = 240;
        int h = 180;
        int top = 30;
        b.append(String.format("<text x=\"%d\" y=\"20\">%s</text>%n", x0, title));
        b.append(String.format(
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", x0, top, w, h));
        b.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f</text>%n", x0 - 4, top + 4, yMax));
        b.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", x0 - 4, top + h));
        for (int load : LOADS) {
            b.append(String.format(
                    "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%d×</text>%n",
                    x0 + (load - 1) / 4.0 * (w - 20) + 10, top + h + 14, load));
        }
        String[] colours = {"#1f77b4", "#d62728", "#2ca02c"};
        for (int i = 0; i < SETUPS.length; i++) {
            String limit = SETUPS[i];
            StringBuilder pts = new StringBuilder();
            for (Row r : rows) {
                if (r.limit().equals(limit)) {
                    pts.append(String.format(
                            "%.0f,%.0f ",
                            x0 + (r.load() - 1) / 4.0 * (w - 20) + 10,
                            top + h - Math.min(1, y.applyAsDouble(r) / yMax) * h));
                }
            }
            b.append(String.format(
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    pts.toString().trim(), colours[i]));
        }
    }
}
