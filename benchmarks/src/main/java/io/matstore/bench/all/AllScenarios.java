package io.matstore.bench.all;

import io.matstore.bench.all.ScenarioTable.Met;
import io.matstore.bench.precompute.FreshnessProbeRun;
import io.matstore.bench.precompute.PrecomputeThroughputBench;
import io.matstore.bench.serving.Wrk;
import io.matstore.bench.store.NearCacheLatencyRun;
import io.matstore.bench.store.RestartRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Issue 15, goal 10: one command runs a bounded, quick version of every throughput scenario, each beside its anchor
 * measured in the same run, and prints one table (scenario, figure, anchor, ratio, goal, met). On a shared machine
 * the figures move from run to run; the ratios are what count.
 *
 * <pre>
 * apt-get install -y wrk
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java -Xmx3g $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.all.AllScenarios [--quick] [--budget=SECONDS] \
 *      [--only=http,hits,fx,freshness,restart]
 * </pre>
 * {@code --quick}: ~5 minutes, cut at 480 s; default: ~15-20 minutes, cut at 1,200 s
 * ({@link Mode}); {@code --budget} sets another cut. The scenarios run one after the other with the runners' own
 * code: {@link ServingScenarios} (HTTP, wrk), then
 * {@link NearCacheLatencyRun}, then {@link PrecomputeThroughputBench} without its steady mix, then
 * {@link FreshnessProbeRun} at the goal's two rates (shorter windows when quick), then
 * {@link RestartRun} with one round over a small store (200,000 combinations quick, 2,000,000 default: goal 6 is set
 * at 10M, which takes longer than these budgets to produce). The restart needs {@code bin/matstore}'s class path
 * ({@code ./mvnw -o -q -B -pl launcher -am package -DskipTests}; skipped without it) and runs from the repository's
 * root. Brokers, stores and servers other than the restarted node are in this JVM and closed in turn; the processes
 * started (wrk, the node and its anchor) are each waited for, and stopped by PID when the budget runs out.
 */
public final class AllScenarios {
    /** The names {@code --only} takes, in the order the scenarios run. */
    private static final Set<String> SCENARIOS = Set.of("http", "hits", "fx", "freshness", "restart");

    private AllScenarios() {}

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int budget = 0;
        Set<String> only = SCENARIOS;
        for (String a : args) {
            if (a.equals("--quick")) {
                quick = true;
            } else if (a.startsWith("--budget=")) {
                budget = Integer.parseInt(a.substring("--budget=".length()));
            } else if (a.startsWith("--only=")) {
                only = Set.of(a.substring("--only=".length()).split(","));
            } else {
                throw new IllegalArgumentException(
                        "unknown argument " + a + "; expected [--quick] [--budget=SECONDS] [--only=NAME,...]");
            }
        }
        Mode mode = quick ? Mode.QUICK : Mode.FULL;
        if (!SCENARIOS.containsAll(only)) {
            throw new IllegalArgumentException("--only=" + String.join(",", only) + ": scenarios are " + SCENARIOS);
        }
        run(budget > 0 ? mode.withBudget(budget) : mode, only);
    }

    private static void run(Mode mode, Set<String> only) throws Exception {
        Path dir = Files.createTempDirectory("all-scenarios-");
        Wrk wrk = new Wrk(dir);
        ScenarioTable table = new ScenarioTable();
        long start = System.nanoTime();
        Thread watchdog = new Thread(
                () -> {
                    try {
                        TimeUnit.SECONDS.sleep(mode.budgetSeconds());
                    } catch (InterruptedException e) {
                        return;
                    }
                    // by PID, and only ours: wrk, bin/matstore and the JVM it execs, the anchor's JVM
                    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
                    print(table, mode, start, "cut at its budget of " + mode.budgetSeconds() + " s");
                    try {
                        deleteRecursively(dir);
                    } catch (IOException | UncheckedIOException e) {
                        System.out.println("left " + dir + ": " + e);
                    }
                    Runtime.getRuntime().halt(2);
                },
                "all-scenarios-budget");
        watchdog.setDaemon(true);
        watchdog.start();

        System.out.printf(
                "AllScenarios %s: cores=%d jdk=%s load average %.1f%n",
                mode.name(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        if (only.contains("http")) {
            attempt(table, "HTTP scenarios", "1, 2, 3, 7", () -> new ServingScenarios(mode, wrk, table).run(dir));
        }
        if (only.contains("hits")) {
            attempt(table, "in-process near-cache hits", "9", () -> nearCacheHits(mode, table));
        }
        if (only.contains("fx")) {
            attempt(table, "precompute FX fan-out", "8", () -> fxFanOut(mode, table));
        }
        if (only.contains("freshness")) {
            attempt(table, "freshness probe", "4", () -> freshness(mode, table));
        }
        if (only.contains("restart")) {
            attempt(table, "restart to ready", "6", () -> restart(mode, dir, table));
        }
        watchdog.interrupt();
        print(table, mode, start, "done");
        deleteRecursively(dir); // the restart's store alone took 0.5 GB in a --quick run
        // the precompute job's and the ingest's Kafka client threads outlive their close by a few seconds
        System.exit(0);
    }

    private interface Scenario {
        void run() throws Exception;
    }

    /**
     * Runs one scenario; one that throws (a client timing out on an overloaded machine) becomes a "not run" row with
     * the reason, and the others still run, so the table keeps what was measured.
     */
    private static void attempt(ScenarioTable table, String name, String goal, Scenario scenario) {
        try {
            scenario.run();
        } catch (Exception e) {
            e.printStackTrace(System.out);
            table.skipped(name, "failed: " + e, goal);
        }
    }

    private static void nearCacheHits(Mode mode, ScenarioTable table) {
        NearCacheLatencyRun.Result r = NearCacheLatencyRun.run(mode.latencyKeys(), mode.latencySeconds());
        System.out.print(r.table());
        Histogram hit = r.hits().histogram();
        Histogram anchor = r.longAnchor().histogram();
        String anchorName = " (anchor: " + r.longAnchorCopies() + " envelope copies, about a hit's p50)";
        for (double p : new double[] {50, 99, 99.9}) {
            long h = hit.getValueAtPercentile(p);
            long a = anchor.getValueAtPercentile(p);
            String goal = p == 99 ? "9: p99 < 1 µs" : p == 99.9 ? "9: p99.9 < 5 µs" : "9: reported";
            Met met = p == 99 ? Met.of(h < 1_000) : p == 99.9 ? Met.of(h < 5_000) : Met.NO_THRESHOLD;
            table.add(
                    "in-process near-cache hit p" + (p == 99.9 ? "99.9" : String.valueOf((int) p)) + anchorName,
                    h + " ns",
                    a + " ns",
                    (double) h / a,
                    goal,
                    met);
        }
    }

    private static void fxFanOut(Mode mode, ScenarioTable table) throws Exception {
        PrecomputeThroughputBench.Figures f = PrecomputeThroughputBench.measure(Map.of(
                "products",
                String.valueOf(mode.products()),
                "partitions",
                "4",
                "threads",
                "1",
                "mixed-seconds",
                "0",
                "raw-records",
                String.valueOf(mode.rawRecords())));
        String ceiling = String.format("%,.0f records/s", f.rawCeiling());
        table.add(
                "precompute FX fan-out, new currency (" + mode.products() * 8 + " responses) vs raw producer",
                String.format("%,.0f responses/s", f.fxNewCurrency()),
                ceiling,
                f.fxNewCurrency() / f.rawCeiling(),
                "8: ≥ 0.5×",
                Met.of(f.fxNewCurrency() / f.rawCeiling() >= 0.5));
        table.add(
                "precompute FX fan-out, rate change (" + mode.products() * 8 + " responses) vs raw producer",
                String.format("%,.0f responses/s", f.fxChange()),
                ceiling,
                f.fxChange() / f.rawCeiling(),
                "8: ≥ 0.5×",
                Met.of(f.fxChange() / f.rawCeiling() >= 0.5));
    }

    private static void freshness(Mode mode, ScenarioTable table) throws Exception {
        FreshnessProbeRun.Options g = FreshnessProbeRun.Options.GOAL;
        List<FreshnessProbeRun.Point> points = FreshnessProbeRun.measure(new FreshnessProbeRun.Options(
                g.products(),
                mode.probeSeconds(),
                g.stockRate(),
                g.mixRate(),
                g.markersPerSecond(),
                mode.probeIdleSeconds(),
                g.unseenAfterMillis(),
                g.pollMillis(),
                mode.rawRecords(),
                Map.of()));
        for (FreshnessProbeRun.Point p : points) {
            String name = String.format(
                    "freshness probe, %,d %s/s (published %,.0f/s, %d s)",
                    p.targetRate(), p.name(), p.publishedPerSecond(), mode.probeSeconds());
            double p99 = p.loaded().p99Millis();
            double idleP99 = p.idle().p99Millis();
            table.add(
                    name + ": publish → served p99 (" + p.loaded().unseen() + " of "
                            + p.loaded().published()
                            + " markers not served in " + p.loaded().unseenAfterMillis() / 1000
                            + " s) vs the idle probe's p99",
                    p.loaded().millis(p99),
                    p.idle().millis(idleP99),
                    p99 / idleP99,
                    String.format("4: p99 < %,.0f ms", p.goalP99Millis()),
                    Met.of(FreshnessProbeRun.met(p)));
            table.add(
                    name + ": responses/s written vs raw producer",
                    String.format("%,.0f responses/s", p.emittedPerSecond()),
                    String.format("%,.0f records/s", p.rawCeiling()),
                    p.emittedPerSecond() / p.rawCeiling(),
                    "4: compared, no ratio set",
                    Met.NO_THRESHOLD);
        }
    }

    private static void restart(Mode mode, Path dir, ScenarioTable table) throws Exception {
        String name = mode.restartSkus() * 8 + " combinations: ready (/readyz 200) ";
        boolean launcherBuilt = Files.exists(Path.of("launcher", "target", "classpath.txt"));
        if (!launcherBuilt || !Files.exists(Path.of("bin", "matstore"))) {
            table.skipped(
                    name + "after a restart",
                    "run from the repository's root after " + "./mvnw -o -q -B -pl launcher -am package -DskipTests",
                    "6");
            return;
        }
        List<RestartRun.Start> starts = RestartRun.run(dir.resolve("restart"), mode.restartSkus(), 1);
        for (RestartRun.Start s : starts.subList(1, starts.size())) {
            boolean clean = s.how().contains("SIGTERM");
            long goal = clean ? 2_000 : 10_000;
            table.add(
                    name + s.how() + " vs a JVM start of the minimal Netty server",
                    s.readyMillis() + " ms",
                    s.anchorMillis() + " ms",
                    (double) s.readyMillis() / Math.max(1, s.anchorMillis()),
                    "6: < " + goal / 1000 + " s (set at 10M combinations)",
                    Met.of(s.readyMillis() < goal));
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void print(ScenarioTable table, Mode mode, long start, String how) {
        System.out.printf(
                "%nAllScenarios %s, %s after %.0f s, load average now %.1f (figures vary on a shared "
                        + "machine: read the ratios)%n%n%s",
                mode.name(),
                how,
                (System.nanoTime() - start) / 1e9,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage(),
                table.markdown());
    }
}
