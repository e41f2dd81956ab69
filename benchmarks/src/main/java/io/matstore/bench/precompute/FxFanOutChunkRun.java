package io.matstore.bench.precompute;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewRunner;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventCodec;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersView;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One FX change over a large catalogue (issue 16: "large fan-outs cut into transactions that fit the timeout"): N
 * products in one region (so the catalogue is quick to build: N × 2 tiers responses), then a first EUR rate, which
 * re-prices all N × 2 combinations in steps of {@code fx.fanout.chunk} per task. Prints the fan-out's time, the
 * transactions (commits of the stream thread while it ran), the size of the largest one by construction (a step of
 * every task of the thread, each up to a chunk of responses, as many emitted-hash changelog records and a cursor
 * record) and the longest gap between two commits, sampled every 5 ms, against the transaction timeout Kafka Streams
 * sets under exactly_once_v2 (10 s). Bounded: gives up after {@code --max-seconds} (default 900) per phase.
 *
 * <pre>
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java -Xmx3g $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.precompute.FxFanOutChunkRun \
 *      --products=1000000 --partitions=4 --chunk=10000
 * </pre>
 */
public final class FxFanOutChunkRun {
    private static final String SOURCE = "bench.fanout.events";

    private FxFanOutChunkRun() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            args.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int products = Integer.parseInt(args.getOrDefault("products", "1000000"));
        int partitions = Integer.parseInt(args.getOrDefault("partitions", "4"));
        String chunk = args.getOrDefault("chunk", Integer.toString(OffersView.DEFAULT_FANOUT_CHUNK));
        long maxSeconds = Long.parseLong(args.getOrDefault("max-seconds", "900"));
        try (EmbeddedKafka broker = EmbeddedKafka.inTempDir().start()) {
            PrecomputeConfig config = PrecomputeConfig.of(Map.of(
                    PrecomputeConfig.BOOTSTRAP_SERVERS,
                    broker.bootstrapServers(),
                    PrecomputeConfig.SOURCE_TOPIC,
                    SOURCE,
                    PrecomputeConfig.DEAD_LETTER_TOPIC,
                    SOURCE + ".dlq",
                    PrecomputeConfig.TOPIC_PARTITIONS,
                    Integer.toString(partitions),
                    "view.offers." + OffersSettings.REGIONS,
                    "us",
                    "view.offers." + OffersSettings.FX_FANOUT_CHUNK,
                    chunk,
                    PrecomputeConfig.STATE_DIR,
                    Files.createTempDirectory("bench-fanout-").toString()));
            System.out.printf(
                    "products=%,d partitions=%d fx.fanout.chunk=%s regions=us cores=%d jdk=%s%n",
                    products,
                    partitions,
                    chunk,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers());
                    ViewRunner.Running job = ViewRunner.start(OffersSettings.view(config), config)) {
                ViewCounters counters = job.counters();
                await(() -> job.streams().state() == KafkaStreams.State.RUNNING, maxSeconds);
                long t0 = System.nanoTime();
                for (int i = 0; i < products; i++) {
                    send(
                            producer,
                            new OffersEvent.ProductUpserted(
                                    DemoEventGenerator.sku(i), "Product " + i, "cat-" + (i % 20), 100 + i % 500_000));
                }
                producer.flush();
                await(() -> counters.eventsDone() >= products, maxSeconds);
                System.out.printf(
                        "catalogue: %,d products, %,d responses in %.1f s%n",
                        products, counters.emitted(), (System.nanoTime() - t0) / 1e9);

                long emittedBefore = counters.emitted();
                long doneBefore = counters.eventsDone();
                double commitsBefore = commits(job.streams());
                long start = System.nanoTime();
                send(producer, new OffersEvent.FxRateChanged("EUR", 920_000L, 2));
                producer.flush();
                double lastCommits = commitsBefore;
                long lastCommitNanos = start;
                long longestGapNanos = 0;
                long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
                while (counters.eventsDone() - doneBefore < partitions) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("fan-out not done within " + maxSeconds + " s: "
                                + (counters.emitted() - emittedBefore) + " responses so far");
                    }
                    Thread.sleep(5); // sampling the commit counter, not waiting for time to pass
                    double c = commits(job.streams());
                    long now = System.nanoTime();
                    if (c > lastCommits) {
                        longestGapNanos = Math.max(longestGapNanos, now - lastCommitNanos);
                        lastCommits = c;
                        lastCommitNanos = now;
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long responses = counters.emitted() - emittedBefore;
                double transactions = commits(job.streams()) - commitsBefore;
                System.out.printf(
                        "FX fan-out: %,d responses in %.1f s = %,.0f responses/s; %,.0f commits while it "
                                + "ran (%,.0f responses per commit on average); largest transaction by construction "
                                + "(tasks per thread = %d) x %s responses + as many hash changelog records + cursors; "
                                + "longest gap between commits %.2f s (transaction.timeout.ms 10 s)%n",
                        responses,
                        seconds,
                        responses / seconds,
                        transactions,
                        responses / Math.max(1, transactions),
                        partitions,
                        chunk,
                        longestGapNanos / 1e9);
            }
        }
        System.exit(0);
    }

    /** Commits of every stream thread so far (Kafka Streams' {@code commit-total}). */
    private static double commits(KafkaStreams streams) {
        double sum = 0;
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends Metric> e :
                streams.metrics().entrySet()) {
            if (e.getKey().name().equals("commit-total") && e.getKey().group().equals("stream-thread-metrics")) {
                sum += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, OffersEvent event) {
        OffersEventCodec.Encoded e = OffersEventCodec.encode(event);
        producer.send(new ProducerRecord<>(SOURCE, e.key(), e.value()));
    }

    private static void await(BooleanSupplier condition, long maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + maxSeconds + " s");
            }
            Thread.sleep(20); // polling a condition, not waiting for time to pass
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
