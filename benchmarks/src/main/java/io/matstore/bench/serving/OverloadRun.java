package io.matstore.bench.serving;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.serving.ServingConfig;
import io.matstore.views.offers.OffersContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Overload run: the real serving node (one event loop, real store over a real broker) in a process of its own
 * pinned to core 0, under an open-loop load ({@link OpenLoopLoad}: a fixed arrival rate whatever the answers,
 * latency from each request's intended send time) generated from this process, pinned to core 1 with the broker
 * (idle once the store has caught up). Run with {@code taskset} present and two cores or more; without, nothing is
 * pinned and it says so.
 *
 * <ol>
 *   <li>Calibration, static cap: the unloaded p99 at 1,000 req/s, then a ramp (×1.2 every 2 s step from 5,000 req/s)
 *       up to the <b>ceiling</b> (the last step whose answers keep up, ≥ 95 % of the offer). The <b>knee</b> is the
 *       highest step below the ceiling whose admitted p99 stays within 2× the unloaded p99; the node process's CPU
 *       utilisation at the knee is the CPU shed target.
 *   <li>What a 503 costs against an answer: the node's CPU time per response at twice the ceiling, answering
 *       everything (static cap) and shedding everything ({@code serving.shed.cpu.target=0.01}, rejection cap 1).
 *   <li>Rows: 1×, 2×, 5× the knee with four set-ups: the static in-flight cap, the adaptive limit (the default),
 *       the adaptive limit with the loop-lag signal, the adaptive limit with the loop-CPU signal at the knee's
 *       utilisation.
 * </ol>
 * Prints the markdown table and writes an SVG plot. Near-cache misses (uniform over 200,000 keys, near-cache
 * 20,000): 90 % of answers read RocksDB.
 *
 * <pre>
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -Dio.netty.leakDetection.level=disabled -cp benchmarks/target/benchmarks.jar \
 *      io.matstore.bench.serving.OverloadRun [seconds per row, 5] [svg file] [lag target ms, 2]
 * </pre>
 * Traffic goes to 127.0.0.1 only; every run is bounded in time; the node processes it starts are stopped at the end
 * (by their PID if they do not stop when asked) and its temporary directory (broker aside: EmbeddedKafka's own) is
 * deleted. It stops with an error when the node cannot keep up with the ramp's first step (a machine too busy to
 * calibrate on).
 */
public final class OverloadRun {
    private static final int SKUS = 25_000;
    private static final int CONNECTIONS = 64;
    private static final int[] LOADS = {1, 2, 5};
    private static final String[] SETUPS = {"static", "adaptive", "adaptive+lag", "adaptive+cpu"};
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    private OverloadRun() {}

    /** One measured run and the node's CPU utilisation (of its one core) during it. */
    private record Row(String setup, int load, double offered, OpenLoopLoad.Result r, double nodeCpu) {}

    /** A calibration step. */
    private record Step(double rate, OpenLoopLoad.Result r, double nodeCpu) {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path svg = Path.of(args.length > 1 ? args[1] : "overload.svg");
        String lagTarget = args.length > 2 ? args[2] : "2";
        boolean pinned = pinSelf();
        int nodeCore = pinned ? 0 : -1;
        Path dir = Files.createTempDirectory("overload-");
        Path store = dir.resolve("store");
        Path log = dir.resolve("node.log");
        System.out.printf(
                "%s; node log %s; load average %s%n",
                pinned ? "node pinned to core 0, generator and broker to core 1" : "NOT pinned (no taskset or 1 core)",
                log,
                loadAverage());
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            ServingLoadRun.produceView(kafka.bootstrapServers(), topic, SKUS);
            String bootstrap = kafka.bootstrapServers();

            long unloadedP99;
            double knee;
            double ceiling;
            double kneeCpu;
            double answerMicros;
            try (NodeProcess node =
                    NodeProcess.start(store, bootstrap, nodeCore, log, List.of("serving.shed.limit=static"))) {
                warmUp(node);
                unloadedP99 = measure(node, 1_000, 3).r().p99();
                List<Step> ramp = ramp(node);
                if (ramp.get(0).r().goodput() < 0.95 * ramp.get(0).rate()) {
                    throw new IllegalStateException("the node did not keep up with the ramp's first step ("
                            + ramp.get(0).rate() + " req/s): nothing to calibrate on this machine now (load average "
                            + loadAverage() + ")");
                }
                int c = ceilingIndex(ramp);
                ceiling = ramp.get(c).rate();
                int k = kneeIndex(ramp, c, unloadedP99);
                knee = ramp.get(k).rate();
                kneeCpu = ramp.get(k).nodeCpu();
                System.out.printf(
                        "unloaded p99 %d us at 1,000 req/s; knee %,.0f req/s (p99 %d us, node CPU %.2f);"
                                + " ceiling %,.0f req/s (p99 %d us, node CPU %.2f)%n",
                        unloadedP99,
                        knee,
                        ramp.get(k).r().p99(),
                        kneeCpu,
                        ceiling,
                        ramp.get(c).r().p99(),
                        ramp.get(c).nodeCpu());
                Step all = measure(node, 2 * ceiling, 4);
                answerMicros = microsPerResponse(all);
                System.out.printf(
                        "answering all at %,.0f req/s: %,.0f responses/s, node CPU %.2f: %.2f us per answer%n",
                        2 * ceiling, all.r().answered() / all.r().seconds(), all.nodeCpu(), answerMicros);
            }
            double shedMicros;
            try (NodeProcess node = NodeProcess.start(
                    store,
                    bootstrap,
                    nodeCore,
                    log,
                    List.of(
                            "serving.shed.limit=static",
                            ServingConfig.SHED_CPU_TARGET + "=0.01",
                            ServingConfig.SHED_MAX_REJECTION_RATIO + "=1.0"))) {
                measure(node, ceiling, 2); // the shed probability climbs to 1
                Step all = measure(node, 2 * ceiling, 4);
                shedMicros = microsPerResponse(all);
                System.out.printf(
                        "shedding at %,.0f req/s: %,.0f responses/s (%.3f shed), node CPU %.2f: %.2f us per response;"
                                + " 503 / answer = %.2f%n",
                        2 * ceiling,
                        all.r().answered() / all.r().seconds(),
                        all.r().shedRatio(),
                        all.nodeCpu(),
                        shedMicros,
                        shedMicros / answerMicros);
            }

            String cpuTarget = String.format("%.2f", Math.max(0.05, Math.floor(kneeCpu * 20) / 20));
            List<Row> rows = new ArrayList<>();
            for (String setup : SETUPS) {
                List<String> settings = new ArrayList<>();
                settings.add("serving.shed.limit=" + (setup.startsWith("adaptive") ? "adaptive" : "static"));
                if (setup.endsWith("+lag")) {
                    settings.add(ServingConfig.SHED_LAG_TARGET_MS + "=" + lagTarget);
                    settings.add(ServingConfig.SHED_LAG_INTERVAL_MS + "=10");
                }
                if (setup.endsWith("+cpu")) {
                    settings.add(ServingConfig.SHED_CPU_TARGET + "=" + cpuTarget);
                }
                try (NodeProcess node = NodeProcess.start(store, bootstrap, nodeCore, log, settings)) {
                    warmUp(node);
                    measure(node, knee, 3); // warm-up at the rows' rate
                    for (int load : LOADS) {
                        Step s = measure(node, knee * load, seconds);
                        rows.add(new Row(setup, load, knee * load, s.r(), s.nodeCpu()));
                        System.out.printf(
                                "%s %dx (%,.0f req/s): %,.0f good/s, admitted p99 %d us, shed %.3f, unanswered %d,"
                                        + " node CPU %.2f, generator max lag %d us%n",
                                setup,
                                load,
                                knee * load,
                                s.r().goodput(),
                                s.r().p99(),
                                s.r().shedRatio(),
                                s.r().unanswered(),
                                s.nodeCpu(),
                                s.r().maxSendLagMicros());
                    }
                }
            }
            double peak = 0;
            for (Row row : rows) {
                peak = Math.max(peak, row.r().goodput());
            }
            System.out.printf(
                    "%nknee %,.0f req/s, ceiling %,.0f req/s, unloaded p99 %d us, peak goodput %,.0f/s, CPU target %s,"
                            + " node CPU per answer %.2f us, per 503 %.2f us (%.2f); load average %s%n%n",
                    knee,
                    ceiling,
                    unloadedP99,
                    peak,
                    cpuTarget,
                    answerMicros,
                    shedMicros,
                    shedMicros / answerMicros,
                    loadAverage());
            printTable(rows, knee, peak, unloadedP99);
            Files.writeString(svg, plot(rows, knee, unloadedP99), StandardCharsets.UTF_8);
            System.out.println("plot: " + svg.toAbsolutePath());
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void printTable(List<Row> rows, double knee, double peak, long unloadedP99) {
        System.out.println("| shedding | load | offered/s | goodput/s | goodput / knee | goodput / peak"
                + " | admitted p99 µs | p99 / unloaded p99 | shed | unanswered | node CPU |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            System.out.printf(
                    "| %s | %d× | %,.0f | %,.0f | %.2f | %.2f | %,d | %.1f | %.3f | %,d | %.2f |%n",
                    row.setup(),
                    row.load(),
                    row.offered(),
                    row.r().goodput(),
                    row.r().goodput() / knee,
                    row.r().goodput() / peak,
                    row.r().p99(),
                    (double) row.r().p99() / unloadedP99,
                    row.r().shedRatio(),
                    row.r().unanswered(),
                    row.nodeCpu());
        }
    }

    /**
     * Rates rise by a fifth every 2 s step from 5,000 req/s until a step's answer rate falls below 95 % of its
     * offer (a queue that grows) or its p99 passes a second: past the ceiling there is nothing more to learn.
     */
    private static List<Step> ramp(NodeProcess node) throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        for (double rate = 5_000; rate < 2_000_000; rate *= 1.2) {
            Step s = measure(node, rate, 2);
            steps.add(s);
            System.out.printf(
                    "ramp %,.0f req/s: %,.0f answered/s, p99 %d us, node CPU %.2f, generator max lag %d us%n",
                    rate, s.r().goodput(), s.r().p99(), s.nodeCpu(), s.r().maxSendLagMicros());
            if (s.r().goodput() < 0.95 * rate || s.r().p99() > 1_000_000) {
                break;
            }
        }
        return steps;
    }

    /** The last step that kept up (the one before the step that did not), or the first. */
    private static int ceilingIndex(List<Step> ramp) {
        for (int i = ramp.size() - 1; i >= 0; i--) {
            Step s = ramp.get(i);
            if (s.r().goodput() >= 0.95 * s.rate()) {
                return i;
            }
        }
        return 0;
    }

    /** The highest step up to the ceiling whose p99 is within 2× the unloaded p99 (the first step if none is). */
    private static int kneeIndex(List<Step> ramp, int ceiling, long unloadedP99) {
        int knee = 0;
        for (int i = 0; i <= ceiling; i++) {
            if (ramp.get(i).r().p99() <= 2 * unloadedP99) {
                knee = i;
            }
        }
        return knee;
    }

    /**
     * Runs 2,000 req/s until a run is answered in full (the node's code compiled, its caches warm), 10 runs at most:
     * a first run of a fresh JVM, or one on a busy machine, is answered late.
     */
    private static void warmUp(NodeProcess node) throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            Step s = measure(node, 2_000, 3);
            if (s.r().goodput() >= 0.95 * 2_000) {
                return;
            }
            System.out.printf("warm-up %d: %,.0f answered/s of 2,000%n", i + 1, s.r().goodput());
        }
    }

    private static double microsPerResponse(Step s) {
        double responses = s.r().answered();
        return responses == 0 ? Double.NaN : s.nodeCpu() * s.r().seconds() * 1e6 / responses;
    }

    /** One bounded open-loop run on fresh connections, with the node's CPU utilisation over it. */
    private static Step measure(NodeProcess node, double rate, double seconds) throws InterruptedException {
        try (OpenLoopLoad load = new OpenLoopLoad(node.port(), CONNECTIONS, SKUS)) {
            double cpu0 = node.cpuSeconds();
            long t0 = System.nanoTime();
            OpenLoopLoad.Result r = load.run(rate, seconds);
            double cpu = (node.cpuSeconds() - cpu0) / ((System.nanoTime() - t0) / 1e9);
            return new Step(rate, r, cpu);
        }
    }

    /**
     * Pins this process (every thread it has, and so the ones it creates) to core 1 with taskset, if taskset exists
     * and there are two cores or more.
     */
    private static boolean pinSelf() throws InterruptedException {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(
                            "taskset",
                            "-a",
                            "-p",
                            "-c",
                            "1",
                            String.valueOf(ProcessHandle.current().pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor() == 0;
        } catch (IOException noTaskset) {
            return false;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    /** Two panels, goodput / knee and p99 / unloaded p99 against load, a line per set-up. */
    private static String plot(List<Row> rows, double knee, long unloadedP99) {
        StringBuilder b = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"260\""
                + " font-family=\"sans-serif\" font-size=\"11\">\n");
        double maxP99 = 1;
        double maxGood = 1.2;
        for (Row r : rows) {
            maxP99 = Math.max(maxP99, (double) r.r().p99() / unloadedP99);
            maxGood = Math.max(maxGood, r.r().goodput() / knee);
        }
        panel(b, 40, "goodput / goodput at the knee", rows, r -> r.r().goodput() / knee, Math.ceil(maxGood));
        panel(
                b,
                360,
                "admitted p99 / unloaded p99 (log)",
                rows,
                r -> log10((double) r.r().p99() / unloadedP99),
                Math.ceil(log10(maxP99)));
        int x = 40;
        for (int i = 0; i < SETUPS.length; i++) {
            b.append(String.format("<text x=\"%d\" y=\"250\" fill=\"%s\">%s</text>%n", x, COLOURS[i], SETUPS[i]));
            x += 110;
        }
        return b.append("</svg>\n").toString();
    }

    private static double log10(double v) {
        return Math.log10(Math.max(1, v));
    }

    private static void panel(
            StringBuilder b, int x0, String title, List<Row> rows, ToDoubleFunction<Row> y, double yMax) {
        int w = 240;
        int h = 180;
        int top = 30;
        double max = Math.max(yMax, 1);
        b.append(String.format("<text x=\"%d\" y=\"20\">%s</text>%n", x0, title));
        b.append(String.format(
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", x0, top, w, h));
        b.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f</text>%n", x0 - 4, top + 4, max));
        b.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", x0 - 4, top + h));
        for (int load : LOADS) {
            b.append(String.format(
                    "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%d×</text>%n",
                    x0 + (load - 1) / 4.0 * (w - 20) + 10, top + h + 14, load));
        }
        for (int i = 0; i < SETUPS.length; i++) {
            StringBuilder pts = new StringBuilder();
            for (Row r : rows) {
                if (r.setup().equals(SETUPS[i])) {
                    pts.append(String.format(
                            "%.0f,%.0f ",
                            x0 + (r.load() - 1) / 4.0 * (w - 20) + 10,
                            top + h - Math.min(1, y.applyAsDouble(r) / max) * h));
                }
            }
            b.append(String.format(
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    pts.toString().trim(), COLOURS[i]));
        }
    }
}
