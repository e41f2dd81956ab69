package io.matstore.bench.precompute;

import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Issue 15, goal 4: does the offers job keep up? The demo generator publishes its steady mix at a given rate for a
 * bounded time while a freshness probe publishes marker events and times each from publish until the serving node
 * answers with it ({@link FreshnessProbe}); p50/p99/max in an HdrHistogram, markers never served within a bound
 * counted (and recorded at the bound).
 *
 * <p>Each point runs on its own {@link ProbedPipeline} (broker, job as shipped, store, node, all in this JVM on
 * 127.0.0.1), so a backlog one point leaves cannot delay the next: start, the catalogue ({@code products} of the
 * generator, 4 regions, USD + 3 currencies), the raw producer ceiling on that broker ({@link RawProducerCeiling},
 * the anchor for responses/s), an idle probe window (markers only: the pipeline's floor, the anchor for the
 * latencies), then the loaded window. The points of the goal:
 * <ul>
 *   <li>{@code --stock-rate} (10,000/s): stock and product events only (the generator with no FX and no promotion:
 *       75 % stock changes, 21 % product upserts, 4 % deletions); goal p99 &lt; 250 ms;</li>
 *   <li>{@code --mix-rate} (2,000/s): the {@code generate} command's default mix (5 ‰ FX changes, 150 ‰ promotion
 *       changes); goal p99 &lt; 1 s.</li>
 * </ul>
 * A rate of 0 skips its point. Everything is bounded: each window by {@code --seconds}, the probe's wait by
 * {@code --unseen-after-ms}, every start by 3 minutes.
 *
 * <pre>
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java -Xmx3g $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.precompute.FreshnessProbeRun \
 *      [--products=1000] [--seconds=30] [--stock-rate=10000] [--mix-rate=2000] [--markers=10] \
 *      [--idle-seconds=5] [--unseen-after-ms=10000] [--poll-ms=2] [--raw-records=1000000] [--job.NAME=VALUE ...]
 * </pre>
 * Add {@code -XX:StartFlightRecording=filename=probe.jfr,settings=profile} to profile; each loaded window prints
 * its start and end (epoch ms) for {@link JfrThreadProfile}.
 */
public final class FreshnessProbeRun {
    /** The {@code generate} command's default mix (its --fx-per-mille and --promotion-per-mille). */
    public static final DemoEventGenerator.Mix GENERATE_DEFAULT_MIX = new DemoEventGenerator.Mix(5, 150);

    /** No FX, no promotion: stock changes, product upserts and deletions only. */
    public static final DemoEventGenerator.Mix STOCK_AND_PRODUCT = new DemoEventGenerator.Mix(0, 0);

    /** Issue 15, goal 4: the rates its p99s are set at. */
    public static final int STOCK_GOAL_RATE = 10_000;

    public static final int MIX_GOAL_RATE = 2_000;

    /** Issue 15, goal 4: publish-to-served p99 at 10,000 stock/product events/s. */
    public static final double STOCK_GOAL_P99_MILLIS = 250;

    /** Issue 15, goal 4: publish-to-served p99 at 2,000 events/s of the default mix. */
    public static final double MIX_GOAL_P99_MILLIS = 1_000;

    /**
     * One run's settings.
     *
     * @param products         catalogue size (the {@code generate} command's default is 1,000)
     * @param seconds          of each loaded window
     * @param stockRate        events/s of the stock/product point, 0 to skip it
     * @param mixRate          events/s of the default-mix point, 0 to skip it
     * @param markersPerSecond probe markers per second
     * @param idleSeconds      of the idle window (the latency anchor)
     * @param unseenAfterMillis a marker not served within this is counted unseen
     * @param pollMillis       between two polls of a sku with a marker outstanding
     * @param rawRecords       records of the raw producer ceiling
     * @param jobSettings      precompute settings to compare with the shipped defaults ({@code --job.NAME=VALUE},
     *     e.g. {@code --job.commit.interval.ms=50}, {@code --job.kafka.max.task.idle.ms=-1}); empty as shipped
     */
    public record Options(
            int products,
            double seconds,
            int stockRate,
            int mixRate,
            double markersPerSecond,
            double idleSeconds,
            long unseenAfterMillis,
            long pollMillis,
            int rawRecords,
            Map<String, String> jobSettings) {
        public static final Options GOAL =
                new Options(1_000, 30, STOCK_GOAL_RATE, MIX_GOAL_RATE, 10, 5, 10_000, 2, 1_000_000, Map.of());

        public Options {
            jobSettings = Map.copyOf(jobSettings);
        }
    }

    /**
     * One point's figures.
     *
     * @param goalRate         the rate the goal sets its p99 at
     * @param goalP99Millis    the goal's publish-to-served p99 for this point
     * @param publishedPerSecond events/s the generator published (its rate when the box keeps pace)
     * @param emittedPerSecond responses and tombstones the job wrote per second during the loaded window
     * @param rawCeiling       records/s of the raw producer on the same broker, just before
     * @param idle             the probe with no generator running
     * @param loaded           the probe while the generator ran, and until its last marker was served or expired
     */
    public record Point(
            String name,
            int targetRate,
            int goalRate,
            double goalP99Millis,
            double publishedPerSecond,
            double emittedPerSecond,
            double rawCeiling,
            FreshnessSummary idle,
            FreshnessSummary loaded,
            long pollFailures) {}

    private FreshnessProbeRun() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        Map<String, String> job = new HashMap<>();
        for (String arg : argv) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            String[] kv = arg.substring(2).split("=", 2);
            if (kv[0].startsWith("job.")) {
                job.put(kv[0].substring("job.".length()), kv[1]);
            } else {
                a.put(kv[0], kv[1]);
            }
        }
        Options g = Options.GOAL;
        Options options = new Options(
                Integer.parseInt(a.getOrDefault("products", String.valueOf(g.products()))),
                Double.parseDouble(a.getOrDefault("seconds", String.valueOf(g.seconds()))),
                Integer.parseInt(a.getOrDefault("stock-rate", String.valueOf(g.stockRate()))),
                Integer.parseInt(a.getOrDefault("mix-rate", String.valueOf(g.mixRate()))),
                Double.parseDouble(a.getOrDefault("markers", String.valueOf(g.markersPerSecond()))),
                Double.parseDouble(a.getOrDefault("idle-seconds", String.valueOf(g.idleSeconds()))),
                Long.parseLong(a.getOrDefault("unseen-after-ms", String.valueOf(g.unseenAfterMillis()))),
                Long.parseLong(a.getOrDefault("poll-ms", String.valueOf(g.pollMillis()))),
                Integer.parseInt(a.getOrDefault("raw-records", String.valueOf(g.rawRecords()))),
                job);
        List<Point> points = measure(options);
        System.out.println();
        System.out.print(table(points));
        // the job's and the ingest's Kafka client threads outlive their close by a few seconds
        System.exit(0);
    }

    /** Runs the points of {@code options} one after the other, printing as it goes. Also used by AllScenarios. */
    public static List<Point> measure(Options options) throws Exception {
        System.out.printf(
                "FreshnessProbeRun: %s cores=%d jdk=%s load average %.1f%n",
                options,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        List<Point> points = new ArrayList<>();
        if (options.stockRate() > 0) {
            points.add(point(
                    options,
                    "stock/product events",
                    options.stockRate(),
                    STOCK_AND_PRODUCT,
                    STOCK_GOAL_RATE,
                    STOCK_GOAL_P99_MILLIS));
        }
        if (options.mixRate() > 0) {
            points.add(point(
                    options,
                    "generator's default mix",
                    options.mixRate(),
                    GENERATE_DEFAULT_MIX,
                    MIX_GOAL_RATE,
                    MIX_GOAL_P99_MILLIS));
        }
        return points;
    }

    private static Point point(
            Options o, String name, int rate, DemoEventGenerator.Mix mix, int goalRate, double goalP99Millis)
            throws Exception {
        Path dir = Files.createTempDirectory("freshness-probe-");
        try (ProbedPipeline p = ProbedPipeline.start(o.products(), dir, o.jobSettings())) {
            double ceiling = p.rawCeiling(o.rawRecords());
            System.out.printf("%s: raw producer ceiling %,.0f records/s%n", name, ceiling);

            FreshnessProbe idleProbe = p.probe(o.markersPerSecond(), o.unseenAfterMillis(), o.pollMillis());
            LockSupport.parkNanos((long) (o.idleSeconds() * 1e9));
            idleProbe.finish();
            FreshnessSummary idle = idleProbe.summary();
            System.out.printf("%s: idle probe (markers only) %s%n", name, idle);

            long emittedBefore = p.emitted();
            long eventsBefore = p.counters().events();
            long start = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            FreshnessProbe probe = p.probe(o.markersPerSecond(), o.unseenAfterMillis(), o.pollMillis());
            DemoEventGenerator generator = new DemoEventGenerator(o.products(), OffersView.DEFAULT_REGIONS, 7L, mix);
            PacedGenerator.Published published =
                    PacedGenerator.run(p.loadProducer(), ProbedPipeline.SOURCE, generator, rate, o.seconds());
            probe.stopMarkers();
            double window = (System.nanoTime() - start) / 1e9;
            long emitted = p.emitted() - emittedBefore;
            long events = p.counters().events() - eventsBefore;
            long endMillis = System.currentTimeMillis();
            probe.finish();
            FreshnessSummary loaded = probe.summary();
            System.out.printf(
                    "%s at %,d/s (mix %s), window %s .. %s (epoch ms %d .. %d):%n"
                            + "  published %,d events in %.1f s = %,.0f/s; the job took in %,d events (%,.0f/s) and "
                            + "wrote %,d responses and tombstones = %,.0f/s (%.3fx the raw ceiling)%n"
                            + "  publish -> served: %s; idle: %s; %d failed polls (last: %s)%n",
                    name,
                    rate,
                    mix,
                    Instant.ofEpochMilli(startMillis),
                    Instant.ofEpochMilli(endMillis),
                    startMillis,
                    endMillis,
                    published.events(),
                    published.seconds(),
                    published.perSecond(),
                    events,
                    events / window,
                    emitted,
                    emitted / window,
                    emitted / window / ceiling,
                    loaded,
                    idle,
                    p.pollFailures(),
                    p.lastPollFailure());
            return new Point(
                    name,
                    rate,
                    goalRate,
                    goalP99Millis,
                    published.perSecond(),
                    emitted / window,
                    ceiling,
                    idle,
                    loaded,
                    p.pollFailures());
        } finally {
            deleteRecursively(dir);
        }
    }

    /**
     * Whether the point met its goal: it ran at (at least) the goal's rate and the generator kept within 5 % of it,
     * every marker was served within the bound, and the p99 is under the goal's. A point asked at a lower rate
     * ({@code --stock-rate=500}) never meets it, whatever its p99.
     */
    public static boolean met(Point p) {
        return p.targetRate() >= p.goalRate()
                && p.publishedPerSecond() >= 0.95 * p.targetRate()
                && p.loaded().unseen() == 0
                && p.loaded().p99Millis() < p.goalP99Millis();
    }

    private static String metText(Point p) {
        if (p.targetRate() < p.goalRate()) {
            return String.format("n/a (goal set at %,d/s)", p.goalRate());
        }
        return met(p) ? "yes" : "no";
    }

    /** The points as a markdown table, the form docs/benchmarks.md quotes. */
    static String table(List<Point> points) {
        StringBuilder b = new StringBuilder("| point | events/s asked / published | publish → served p50 / p99 / max"
                + " | markers (not served in bound) | idle p50 / p99 | responses/s written | raw producer ceiling"
                + " | ratio | goal p99 | met |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Point p : points) {
            FreshnessSummary l = p.loaded();
            FreshnessSummary i = p.idle();
            b.append(String.format(
                    "| %s | %,d / %,.0f | %s / %s / %s | %d (%d) | %s / %s | %,.0f | %,.0f | %.3f | < %,.0f ms | %s |%n",
                    p.name(),
                    p.targetRate(),
                    p.publishedPerSecond(),
                    l.millis(l.p50Millis()),
                    l.millis(l.p99Millis()),
                    l.millis(l.maxMillis()),
                    l.published(),
                    l.unseen(),
                    i.millis(i.p50Millis()),
                    i.millis(i.p99Millis()),
                    p.emittedPerSecond(),
                    p.rawCeiling(),
                    p.emittedPerSecond() / p.rawCeiling(),
                    p.goalP99Millis(),
                    metText(p)));
        }
        return b.toString();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path f : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
