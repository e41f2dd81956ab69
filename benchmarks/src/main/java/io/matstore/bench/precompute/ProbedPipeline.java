package io.matstore.bench.precompute;

import io.matstore.bench.serving.CaughtUpStore;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.kafka.local.KafkaBroker;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewRunner;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventCodec;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the freshness probe measures, whole and as shipped, on 127.0.0.1: one embedded KRaft broker, the offers job
 * ({@link ViewRunner}, exactly_once_v2, its default commit interval, 4 partitions, 1 stream thread, unless a run
 * asks for other job settings to compare), a response
 * store ingesting the view topic live and a serving node over it (one I/O thread), all in this JVM. {@link #start}
 * publishes the generator's catalogue and the probe's products and returns once the node serves every probe sku.
 * {@link #close()} stops all of it, the broker last.
 */
final class ProbedPipeline implements AutoCloseable {
    static final String SOURCE = "bench.freshness.offers.events";
    static final int PARTITIONS = 4;
    private static final Duration READY_LIMIT = Duration.ofMinutes(3);

    private final KafkaBroker broker;
    private final boolean ownsBroker;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ProbeSkus skus = new ProbeSkus(PARTITIONS, 2);
    private final AtomicInteger quantities = new AtomicInteger();
    private ViewRunner.Running job;
    private KafkaProducer<byte[], byte[]> loadProducer;
    private KafkaProducer<byte[], byte[]> markerProducer;
    private ServedQuantity served;

    private ProbedPipeline(KafkaBroker broker, boolean ownsBroker) {
        this.broker = broker;
        this.ownsBroker = ownsBroker;
    }

    /**
     * On an embedded broker of its own, closed with the pipeline.
     *
     * @param dir the job's state and the store's files; the caller deletes it after {@link #close()}
     */
    static ProbedPipeline start(int products, Path dir, Map<String, String> jobSettings) throws Exception {
        return start(EmbeddedKafka.inTempDir().start(), true, products, dir, jobSettings);
    }

    /** On {@code broker}, whose topics must not hold an earlier run's (tests: a broker per class). */
    static ProbedPipeline start(KafkaBroker broker, int products, Path dir) throws Exception {
        return start(broker, false, products, dir, Map.of());
    }

    private static ProbedPipeline start(
            KafkaBroker broker, boolean owns, int products, Path dir, Map<String, String> jobSettings)
            throws Exception {
        ProbedPipeline p = new ProbedPipeline(broker, owns);
        try {
            p.startAll(products, dir, jobSettings);
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    /** @param jobSettings settings of the job to compare with its defaults; where and what it runs stay as here */
    private void startAll(int products, Path dir, Map<String, String> jobSettings) throws Exception {
        String bootstrap = broker.bootstrapServers();
        Map<String, String> settings = new HashMap<>(jobSettings);
        settings.put(PrecomputeConfig.BOOTSTRAP_SERVERS, bootstrap);
        settings.put(PrecomputeConfig.SOURCE_TOPIC, SOURCE);
        settings.put(PrecomputeConfig.DEAD_LETTER_TOPIC, SOURCE + ".dlq");
        settings.put(PrecomputeConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
        settings.put(PrecomputeConfig.STATE_DIR, dir.resolve("state").toString());
        PrecomputeConfig config = PrecomputeConfig.of(settings);
        job = ViewRunner.start(OffersSettings.view(config), config);
        await("the job running", () -> job.streams().state() == KafkaStreams.State.RUNNING);

        // as the generate command publishes (linger 5 ms); markers go alone, so no batch waits for them
        loadProducer = producer(bootstrap, 5);
        opened.add(loadProducer);
        markerProducer = producer(bootstrap, 0);
        opened.add(markerProducer);
        new DemoEventGenerator(products, OffersView.DEFAULT_REGIONS, 1L, new DemoEventGenerator.Mix(0, 0))
                .catalogue(e -> send(loadProducer, e));
        for (int i = 0; i < skus.size(); i++) {
            send(loadProducer, new OffersEvent.ProductUpserted(skus.sku(i), skus.sku(i), ProbeSkus.CATEGORY, 1_000));
        }
        loadProducer.flush();

        // the near-cache holds every combination (4 currencies × 8 per product): the probe reads hits
        long entries = Math.max(16_384, products * 64L);
        VersionedResponseStore store = CaughtUpStore.offersV1(dir.resolve("store"), bootstrap, entries);
        opened.add(store);
        ServingNode node = new ServingNode();
        opened.add(node);
        int port = node.start(store, ServingConfig.of(Map.of(ServingConfig.PORT, "0", ServingConfig.IO_THREADS, "1")));
        served = new ServedQuantity(port, skus);
        // each probe product was published after the catalogue events of its partition
        for (int i = 0; i < skus.size(); i++) {
            int sku = i;
            await("probe sku " + skus.sku(i) + " served", () -> readQuietly(sku) >= 0);
        }
    }

    /** A probe window over this pipeline, started now. */
    FreshnessProbe probe(double markersPerSecond, long unseenAfterMillis, long pollMillis) {
        return new FreshnessProbe(
                markerProducer, SOURCE, skus, served, quantities, markersPerSecond, unseenAfterMillis, pollMillis);
    }

    KafkaProducer<byte[], byte[]> loadProducer() {
        return loadProducer;
    }

    ViewCounters counters() {
        return job.counters();
    }

    /** Responses and tombstones the job has written. */
    long emitted() {
        return job.counters().emitted() + job.counters().tombstones();
    }

    long pollFailures() {
        return served.failures();
    }

    String lastPollFailure() {
        return served.lastFailure();
    }

    /**
     * The anchor: {@link RawProducerCeiling} on this broker, now, with 1,000 of the view's own records (so size and
     * compressibility match) and the job's compression.
     */
    double rawCeiling(int records) {
        String topic = "bench.freshness.raw";
        broker.createTopic(topic, PARTITIONS, Map.of());
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        sampleView(keys, values, 1_000);
        return RawProducerCeiling.run(broker.bootstrapServers(), topic, keys, values, records, "lz4");
    }

    private void sampleView(List<byte[]> keys, List<byte[]> values, int n) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(OffersContract.V1.topic(), p));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && values.size() < n) {
                        keys.add(r.key());
                        values.add(r.value());
                    }
                }
            }
        }
        if (values.isEmpty()) {
            throw new IllegalStateException("no response in " + OffersContract.V1.topic() + " after 30 s");
        }
    }

    private int readQuietly(int sku) {
        try {
            return served.read(sku);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, OffersEvent event) {
        OffersEventCodec.Encoded e = OffersEventCodec.encode(event);
        producer.send(new ProducerRecord<>(SOURCE, e.key(), e.value()));
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not within " + READY_LIMIT.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling a condition
        }
    }

    /** The job first (it may be far behind and busy), then the node, the store, the producers, the broker last. */
    @Override
    public void close() {
        List<Exception> failures = new ArrayList<>();
        if (job != null) {
            job.close();
        }
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (ownsBroker) {
            broker.close();
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("closing the probed pipeline failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }
}
