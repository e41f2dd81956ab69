package io.matstore.bench.precompute;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewRunner;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventCodec;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Precompute throughput and end-to-end delay of the offers job on a real broker. Not a JMH benchmark: it runs the
 * whole pipeline once and prints what it measured.
 *
 * <p>Phases, on one embedded KRaft broker in this JVM (or {@code --bootstrap} elsewhere), job with exactly_once_v2:
 * <ol>
 *   <li>catalogue: N products in USD only (N × 4 regions × 2 tiers responses);</li>
 *   <li>raw producer ceiling: a plain KafkaProducer loop, same record size (real envelopes), same settings;</li>
 *   <li>FX fan-out: a first EUR rate (adds N × 8 combinations), then an EUR change (re-prices them): responses
 *       encoded and committed per second, publish → last response visible to a read_committed consumer;</li>
 *   <li>steady mix: stock, product, deletion and promotion events at a fixed rate, no FX; per-event delay from
 *       publish to its last response (HdrHistogram p50/p99/max), responses per second.</li>
 * </ol>
 * Broker, job, producer and watcher share the machine's cores: the numbers are for the whole pipeline on one box.
 *
 * <pre>
 * ./mvnw -B -q -o -Pbench -pl benchmarks package
 * java -Xmx3g -cp benchmarks/target/benchmarks.jar io.matstore.bench.precompute.PrecomputeThroughputBench \
 *      --products=50000 --partitions=4 --threads=1 --mixed-rate=1000 --mixed-seconds=30
 * </pre>
 */
public final class PrecomputeThroughputBench {
    private static final String SOURCE = "bench.offers.events";
    private static final long WAIT_SECONDS = 900;

    private final Map<String, String> args;
    private final int products;
    private final int partitions;
    private final long base = System.currentTimeMillis();
    private final long[] publishNanos;
    private int nextEvent;
    private double ceiling = Double.NaN;

    private PrecomputeThroughputBench(Map<String, String> args) {
        this.args = args;
        this.products = Integer.parseInt(args.getOrDefault("products", "50000"));
        this.partitions = Integer.parseInt(args.getOrDefault("partitions", "4"));
        this.publishNanos = new long[products + 1_000_000];
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            args.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        measure(args);
        System.exit(0);
    }

    /** The figures of one run, records or responses per second. */
    public record Figures(double rawCeiling, double fxNewCurrency, double fxChange) {}

    /**
     * Runs the phases with {@code args} as the command line's {@code --key=value} options (without the dashes) and
     * prints them as it goes; {@code mixed-seconds=0} skips the steady mix. Also used by
     * {@code io.matstore.bench.AllScenarios}.
     */
    public static Figures measure(Map<String, String> args) throws Exception {
        return new PrecomputeThroughputBench(args).run();
    }

    private Figures run() throws Exception {
        String external = args.get("bootstrap");
        EmbeddedKafka broker = external == null ? EmbeddedKafka.inTempDir().start() : null;
        String bootstrap = external != null ? external : broker.bootstrapServers();
        Path state = Files.createTempDirectory("bench-precompute-");
        int threads = Integer.parseInt(args.getOrDefault("threads", "1"));
        System.out.printf(
                "products=%d partitions=%d threads=%d cores=%d jdk=%s%n",
                products,
                partitions,
                threads,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        // --compression applies to the job's producer and to the ceiling alike, so the ratio compares like with like
        String compression = args.getOrDefault("compression", "lz4");
        Map<String, String> settings = new HashMap<>(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS,
                bootstrap,
                PrecomputeConfig.SOURCE_TOPIC,
                SOURCE,
                PrecomputeConfig.DEAD_LETTER_TOPIC,
                SOURCE + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS,
                Integer.toString(partitions),
                PrecomputeConfig.NUM_STREAM_THREADS,
                Integer.toString(threads),
                PrecomputeConfig.STATE_DIR,
                state.toString()));
        if (args.containsKey("compression")) {
            settings.put("kafka.producer.compression.type", compression);
        }
        PrecomputeConfig config = PrecomputeConfig.of(settings);
        OffersView view = OffersSettings.view(config);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
                ViewRunner.Running job = ViewRunner.start(view, config);
                ViewWatcher watcher =
                        new ViewWatcher(bootstrap, OffersContract.V1.topic(), partitions, base, publishNanos.length)) {
            ViewCounters counters = job.counters();

            await(() -> job.streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
            // 1. catalogue
            long t0 = System.nanoTime();
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < products; i++) {
                publish(
                        producer,
                        new OffersEvent.ProductUpserted(
                                DemoEventGenerator.sku(i),
                                "Product " + i,
                                String.format("cat-%02d", random.nextInt(20)),
                                random.nextLong(100, 500_000)));
            }
            producer.flush();
            awaitQuiet(counters, watcher, products);
            double catalogueSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "catalogue: %,d responses in %.1f s = %,.0f responses/s (from first publish)%n",
                    counters.emitted(), catalogueSeconds, counters.emitted() / catalogueSeconds);

            // 2. raw producer ceiling, same record size
            double avgValue = (double) watcher.valueBytes() / watcher.total();
            int rawRecords = Integer.parseInt(args.getOrDefault("raw-records", "2000000"));
            createTopic(bootstrap, "bench.raw");
            double raw = RawProducerCeiling.run(
                    bootstrap, "bench.raw", watcher.sampleKeys(), watcher.sampleValues(), rawRecords, compression);
            System.out.printf(
                    "raw producer ceiling: %,.0f records/s (%,d records, avg value %.0f B, %s)%n",
                    raw, rawRecords, avgValue, compression);
            ceiling = raw;

            // 3. FX fan-out: a new currency, then a change of its rate
            double fxNew = fanOut(
                    "FX new currency EUR",
                    producer,
                    counters,
                    watcher,
                    new OffersEvent.FxRateChanged("EUR", 920_000L, 2));
            double fxChange = fanOut(
                    "FX change EUR", producer, counters, watcher, new OffersEvent.FxRateChanged("EUR", 950_000L, 2));

            // 4. steady mix
            if (Integer.parseInt(args.getOrDefault("mixed-seconds", "30")) > 0) {
                mixed(producer, counters, watcher);
            }
            return new Figures(raw, fxNew, fxChange);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    private double fanOut(
            String name,
            KafkaProducer<byte[], byte[]> producer,
            ViewCounters counters,
            ViewWatcher watcher,
            OffersEvent fx)
            throws InterruptedException {
        long emittedBefore = counters.emitted();
        long doneBefore = counters.eventsDone();
        int event = publish(producer, fx);
        producer.flush();
        await(() -> counters.eventsDone() - doneBefore == partitions
                && watcher.responses(event) == counters.emitted() - emittedBefore);
        long responses = counters.emitted() - emittedBefore;
        double seconds = (watcher.lastSeenNanos(event) - publishNanos[event]) / 1e9;
        System.out.printf(
                "%s: %,d responses encoded and committed in %.2f s = %,.0f responses/s (%.3fx the raw "
                        + "producer ceiling); publish -> last response visible %.2f s%n",
                name, responses, seconds, responses / seconds, responses / seconds / ceiling, seconds);
        return responses / seconds;
    }

    private void mixed(KafkaProducer<byte[], byte[]> producer, ViewCounters counters, ViewWatcher watcher)
            throws InterruptedException {
        int rate = Integer.parseInt(args.getOrDefault("mixed-rate", "1000"));
        int seconds = Integer.parseInt(args.getOrDefault("mixed-seconds", "30"));
        int promotionPerMille = Integer.parseInt(args.getOrDefault("promotion-per-mille", "5"));
        DemoEventGenerator generator = new DemoEventGenerator(
                products, OffersView.DEFAULT_REGIONS, 7, new DemoEventGenerator.Mix(0, promotionPerMille));
        long emittedBefore = counters.emitted() + counters.tombstones();
        long doneBefore = counters.eventsDone();
        int first = nextEvent;
        long expectedDone = 0;
        long start = System.nanoTime();
        long count = (long) rate * seconds;
        for (long i = 0; i < count; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            OffersEvent e = generator.next();
            expectedDone += e instanceof OffersEvent.PromotionUpserted || e instanceof OffersEvent.PromotionEnded
                    ? partitions
                    : 1;
            publish(producer, e);
        }
        producer.flush();
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        long expected = expectedDone;
        await(() -> counters.eventsDone() - doneBefore == expected
                && sumResponses(watcher, first, nextEvent)
                        == counters.emitted() + counters.tombstones() - emittedBefore);
        double totalSeconds = (System.nanoTime() - start) / 1e9;
        Histogram delay = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        int withResponses = 0;
        for (int e = first; e < nextEvent; e++) {
            if (watcher.responses(e) > 0) {
                withResponses++;
                delay.recordValue(Math.max(0, (watcher.lastSeenNanos(e) - publishNanos[e]) / 1000));
            }
        }
        long responses = counters.emitted() + counters.tombstones() - emittedBefore;
        System.out.printf(
                "steady mix: %,d events at %,d/s (%.1f s, %d‰ promotions, no FX): %,d responses and "
                        + "tombstones = %,.0f/s over %.1f s until the last was visible%n",
                count, rate, publishSeconds, promotionPerMille, responses, responses / totalSeconds, totalSeconds);
        System.out.printf(
                "steady mix publish -> last response visible (%,d events with responses): p50 %.1f ms, "
                        + "p99 %.1f ms, max %.1f ms%n",
                withResponses,
                delay.getValueAtPercentile(50) / 1000.0,
                delay.getValueAtPercentile(99) / 1000.0,
                delay.getMaxValue() / 1000.0);
    }

    private static long sumResponses(ViewWatcher watcher, int from, int to) {
        long sum = 0;
        for (int e = from; e < to; e++) {
            sum += watcher.responses(e);
        }
        return sum;
    }

    private int publish(KafkaProducer<byte[], byte[]> producer, OffersEvent event) {
        int index = nextEvent++;
        OffersEventCodec.Encoded e = OffersEventCodec.encode(event);
        publishNanos[index] = System.nanoTime();
        producer.send(new ProducerRecord<>(SOURCE, null, base + index, e.key(), e.value()));
        return index;
    }

    private void awaitQuiet(ViewCounters counters, ViewWatcher watcher, long events) throws InterruptedException {
        await(() -> counters.eventsDone() >= events && watcher.total() == counters.emitted() + counters.tombstones());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + WAIT_SECONDS + " s");
            }
            Thread.sleep(5); // polling a condition, not waiting for time to pass
        }
    }

    private void createTopic(String bootstrap, String topic) throws Exception {
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrap);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(java.util.List.of(
                                new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1)))
                        .all()
                        .get();
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
