package io.matstore.bench.serving;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.views.offers.OffersContract;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Overload run: the real serving node (one event loop, real store over a real broker) under {@code wrk -t1} at 1×,
 * 2× and 5× its capacity, once with the static in-flight cap ({@code serving.shed.limit=static}) and once with the
 * adaptive limit (the default), other settings at their defaults. wrk is closed-loop, so load is offered as
 * connections: capacity (1×) is the fewest connections at which throughput reaches 95 % of the best seen in a
 * calibration over 1–64 connections; 2× and 5× are twice and five times as many. Per run: goodput (non-503
 * answers/s) as a share of the peak, p99 of all answers (wrk's) against the unloaded p99 (1 connection), and the
 * share shed (503). Writes the markdown table to stdout and an SVG plot to the given file.
 *
 * <pre>
 * apt-get install -y wrk
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -Dio.netty.leakDetection.level=disabled -cp benchmarks/target/benchmarks.jar \
 *      io.matstore.bench.serving.OverloadRun [seconds] [svg file]
 * </pre>
 * Near-cache misses (uniform over 200,000 keys, near-cache 20,000): RocksDB reads make each answer cost more than
 * the HTTP work. Traffic goes to 127.0.0.1 only; every server and wrk process stops by itself.
 */
public final class OverloadRun {
    private static final int SKUS = 25_000;
    private static final int[] CALIBRATION = {1, 2, 4, 8, 16, 32, 64};
    private static final int[] LOADS = {1, 2, 5};

    private OverloadRun() {
    }

    /** One measured run. */
    private record Row(String limit, int load, int connections, Wrk.Result r) {
        double goodput() {
            return (r.requests() - r.errors()) * 1e6 / r.durationMicros();
        }

        double shedRatio() {
            return r.requests() == 0 ? 0 : (double) r.errors() / r.requests();
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path svg = Path.of(args.length > 1 ? args[1] : "overload.svg");
        Path dir = Files.createTempDirectory("overload-");
        Wrk wrk = new Wrk(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            ServingLoadRun.produceView(kafka.bootstrapServers(), topic, SKUS);
            try (VersionedResponseStore store = CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(),
                    20_000)) {
                List<Row> rows = new ArrayList<>();
                double peak = 0;
                long unloadedP99 = 0;
                int capacity = 0;
                for (String limit : List.of("static", "adaptive")) {
                    ServingNode node = new ServingNode();
                    int port = node.start(store, ServingConfig.of(Map.of(ServingConfig.PORT, "0",
                            ServingConfig.IO_THREADS, "1", ServingConfig.SHED_LIMIT, limit)));
                    try {
                        wrk.run(port, 5, 64, SKUS, "keys", null); // warm-up
                        if (capacity == 0) {
                            double[] rps = new double[CALIBRATION.length];
                            for (int i = 0; i < CALIBRATION.length; i++) {
                                Wrk.Result r = wrk.run(port, Math.max(3, seconds / 3), CALIBRATION[i], SKUS,
                                        "keys", null);
                                rps[i] = r.requestsPerSecond();
                                peak = Math.max(peak, rps[i]);
                                if (i == 0) {
                                    unloadedP99 = r.p99();
                                }
                                System.out.printf("calibration c=%d: %,.0f req/s p99 %d us%n", CALIBRATION[i],
                                        rps[i], r.p99());
                            }
                            for (int i = 0; i < CALIBRATION.length && capacity == 0; i++) {
                                if (rps[i] >= 0.95 * peak) {
                                    capacity = CALIBRATION[i];
                                }
                            }
                        }
                        for (int load : LOADS) {
                            Wrk.Result r = wrk.run(port, seconds, capacity * load, SKUS, "keys", null);
                            Row row = new Row(limit, load, capacity * load, r);
                            peak = Math.max(peak, r.requestsPerSecond());
                            rows.add(row);
                            System.out.printf("%s %dx (c=%d): %,.0f good/s, p99 %d us, shed %.3f%n", limit, load,
                                    capacity * load, row.goodput(), r.p99(), row.shedRatio());
                        }
                    } finally {
                        node.close();
                    }
                }
                System.out.printf("%npeak %,.0f req/s, unloaded p99 %d us (c=1), capacity %d connections%n%n",
                        peak, unloadedP99, capacity);
                System.out.println("| limit | load | connections | goodput/s | goodput / peak | p99 µs | p99 / unloaded"
                        + " p99 | shed |");
                System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
                for (Row row : rows) {
                    System.out.printf("| %s | %d× | %d | %,.0f | %.2f | %d | %.1f | %.3f |%n", row.limit(),
                            row.load(), row.connections(), row.goodput(), row.goodput() / peak, row.r().p99(),
                            (double) row.r().p99() / unloadedP99, row.shedRatio());
                }
                Files.writeString(svg, plot(rows, peak, unloadedP99), StandardCharsets.UTF_8);
                System.out.println("plot: " + svg.toAbsolutePath());
            }
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
                .append("<text x=\"120\" y=\"250\" fill=\"#d62728\">adaptive limit</text>\n</svg>\n");
        return b.toString();
    }

    private static void panel(StringBuilder b, int x0, String title, List<Row> rows,
                              java.util.function.ToDoubleFunction<Row> y, double yMax) {
        int w = 240;
        int h = 180;
        int top = 30;
        b.append(String.format("<text x=\"%d\" y=\"20\">%s</text>%n", x0, title));
        b.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                x0, top, w, h));
        b.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f</text>%n", x0 - 4, top + 4, yMax));
        b.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", x0 - 4, top + h));
        for (int load : LOADS) {
            b.append(String.format("<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%d×</text>%n",
                    x0 + (load - 1) / 4.0 * (w - 20) + 10, top + h + 14, load));
        }
        for (String limit : List.of("static", "adaptive")) {
            StringBuilder pts = new StringBuilder();
            for (Row r : rows) {
                if (r.limit().equals(limit)) {
                    pts.append(String.format("%.0f,%.0f ", x0 + (r.load() - 1) / 4.0 * (w - 20) + 10,
                            top + h - Math.min(1, y.applyAsDouble(r) / yMax) * h));
                }
            }
            b.append(String.format("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    pts.toString().trim(), limit.equals("static") ? "#1f77b4" : "#d62728"));
        }
    }
}
