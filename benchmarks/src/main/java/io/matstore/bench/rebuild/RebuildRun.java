package io.matstore.bench.rebuild;

import io.matstore.bench.serving.Wrk;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.replay.Replay;
import io.matstore.precompute.replay.ReplayOptions;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.LoadMode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEventCodec;
import io.matstore.views.offers.OffersSettings;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The rebuild of a view of 1,000,000 combinations on one box, with a serving node answering under wrk the whole
 * time: the offers catalogue (31,250 products × 4 regions × 2 tiers × 4 currencies) is published to an embedded
 * broker; v1 is built by a replay and loaded into the node's store; wrk measures the idle node; then v2 is
 * replayed from the source topic and bulk-loaded beside v1 while wrk keeps asking v1, in back-to-back runs whose
 * percentiles are reported. Finally v2's topic is loaded again into fresh stores, bulk and live, without traffic.
 *
 * <pre>
 * apt-get install -y wrk
 * ./mvnw -B -q -o install -DskipTests && ./mvnw -B -q -o -Pbench -pl benchmarks package
 * java -Xmx3g $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -Dio.netty.leakDetection.level=disabled -cp benchmarks/target/benchmarks.jar \
 *      io.matstore.bench.rebuild.RebuildRun [products=31250] [wrkSeconds=10]
 * </pre>
 * Everything stays on 127.0.0.1 and stops by itself; every wait is bounded (15 minutes).
 */
public final class RebuildRun {
    private static final String SOURCE = "bench.rebuild.offers.events";
    private static final int PARTITIONS = 4;
    private static final Set<Integer> ALL = Set.of(0, 1, 2, 3);
    private static final Duration LIMIT = Duration.ofMinutes(15);

    private RebuildRun() {}

    public static void main(String[] args) throws Exception {
        int products = args.length > 0 ? Integer.parseInt(args[0]) : 31_250;
        int wrkSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("rebuild-run-");
        Wrk wrk = new Wrk(dir);
        List<String> rows = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            kafka.createTopic(SOURCE, PARTITIONS, Map.of());
            long events = publishCatalogue(kafka.bootstrapServers(), SOURCE, products);
            System.out.printf("published a catalogue of %,d products (%,d events)%n", products, events);

            try (Replay v1 = replay(kafka, dir, 1, rows);
                    VersionedResponseStore store =
                            ResponseStores.open(StoreConfig.of(dir.resolve("store"), kafka.bootstrapServers()))) {
                rows.add(load(store, OffersContract.V1, LoadMode.BULK, "load v1 (bulk), idle node"));
                System.out.println("v1 job: " + v1.progress() + ", now live");
                store.makeCurrent("offers", 1);
                ServingNode node = new ServingNode();
                try {
                    int port = node.start(
                            store, ServingConfig.of(Map.of(ServingConfig.PORT, "0", ServingConfig.IO_THREADS, "1")));
                    wrk.run(port, 5, products, "keys", null); // warm-up
                    List<Wrk.Result> idle = List.of(
                            wrk.run(port, wrkSeconds, products, "keys", null),
                            wrk.run(port, wrkSeconds, products, "keys", null));

                    AtomicBoolean rebuilding = new AtomicBoolean(true);
                    List<Wrk.Result> during = new ArrayList<>();
                    Thread load = new Thread(
                            () -> {
                                try {
                                    while (rebuilding.get()) {
                                        during.add(wrk.run(port, wrkSeconds, products, "keys", null));
                                    }
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            },
                            "wrk-during-rebuild");
                    load.start();
                    try (Replay v2 = replay(kafka, dir, 2, rows)) {
                        rows.add(load(store, OffersContract.V2, LoadMode.BULK, "load v2 (bulk) beside v1 under load"));
                        System.out.println("v2 job: " + v2.progress() + ", now live");
                        rebuilding.set(false);
                        load.join();
                        printServing(idle, during);
                        rows.add(loadFresh(kafka, dir, LoadMode.BULK));
                        rows.add(loadFresh(kafka, dir, LoadMode.LIVE));
                    }
                } finally {
                    node.close();
                }
            }
        }
        System.out.println();
        System.out.println("| step | combinations | responses written | seconds | combinations/s |");
        System.out.println("|---|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    /** The demo catalogue of {@code products} products (4 regions, every currency) into {@code topic}; events sent. */
    static long publishCatalogue(String bootstrap, String topic, int products) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                10,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024);
        long[] count = {0};
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            new DemoEventGenerator(products, List.of("us", "eu", "uk", "jp"), 1L, new DemoEventGenerator.Mix(0, 0))
                    .catalogue(e -> {
                        OffersEventCodec.Encoded encoded = OffersEventCodec.encode(e);
                        producer.send(new ProducerRecord<>(topic, encoded.key(), encoded.value()));
                        count[0]++;
                    });
        }
        return count[0];
    }

    /** Replays version {@code n} from the beginning to the captured end; the job then stays live. */
    private static Replay replay(EmbeddedKafka kafka, Path dir, int n, List<String> rows) throws Exception {
        PrecomputeConfig config = PrecomputeSide.replayConfig(kafka.bootstrapServers(), SOURCE, PARTITIONS, dir, n);
        long start = System.nanoTime();
        Replay replay = Replay.start(OffersSettings.view(config), config, ReplayOptions.fromBeginning());
        if (!replay.awaitCaughtUp(LIMIT)) {
            replay.close();
            throw new IllegalStateException("replay of v" + n + " not caught up in " + LIMIT);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long emitted = replay.job().counters().emitted();
        long combinations = viewSize(kafka, OffersSettings.view(config));
        rows.add(String.format(
                "| replay v%d (precompute: source → view topic)%s | %,d | %,d | %.1f | %,.0f |",
                n,
                n == 2 ? " while v1 serves under load" : "",
                combinations,
                emitted,
                seconds,
                combinations / seconds));
        return replay;
    }

    /** Distinct keys in the view topic (a read_committed scan to its end; not part of the timed replay). */
    private static long viewSize(EmbeddedKafka kafka, io.matstore.precompute.View<?, ?> view) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        Set<ByteBuffer> keys = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            c.partitionsFor(view.descriptor().topic())
                    .forEach(p -> tps.add(new TopicPartition(p.topic(), p.partition())));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        keys.remove(ByteBuffer.wrap(r.key()));
                    } else {
                        keys.add(ByteBuffer.wrap(r.key()));
                    }
                }
            }
        }
        return keys.size();
    }

    private static String load(VersionedResponseStore store, ViewDescriptor view, LoadMode mode, String label)
            throws InterruptedException {
        long start = System.nanoTime();
        store.addVersion(view, ALL, mode);
        if (!store.awaitCaughtUp(view.name(), view.version(), LIMIT)) {
            throw new IllegalStateException(view + " not loaded in " + LIMIT);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long entries = store.countEntries(view.name(), view.version());
        return String.format("| %s | %,d | | %.1f | %,.0f |", label, entries, seconds, entries / seconds);
    }

    /** v2's topic into a fresh store, no other work on the box. */
    private static String loadFresh(EmbeddedKafka kafka, Path dir, LoadMode mode) throws InterruptedException {
        try (VersionedResponseStore fresh = ResponseStores.open(
                StoreConfig.of(dir.resolve("fresh-" + mode.name().toLowerCase()), kafka.bootstrapServers()))) {
            return load(
                    fresh,
                    OffersContract.V2,
                    mode,
                    "load v2 (" + mode.name().toLowerCase() + ") into a fresh store, no traffic");
        }
    }

    private static void printServing(List<Wrk.Result> idle, List<Wrk.Result> during) {
        System.out.println();
        System.out.println("| serving v1 (wrk -t1 -c64, near-cache misses mostly) | run | req/s | p50 µs | p99 µs |"
                + " p99.9 µs | errors |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        print("idle", idle);
        print("during the rebuild of v2", during);
    }

    private static void print(String label, List<Wrk.Result> results) {
        for (int i = 0; i < results.size(); i++) {
            Wrk.Result r = results.get(i);
            System.out.printf(
                    "| %s | %d | %,.0f | %d | %d | %d | %d |%n",
                    label, i + 1, r.requestsPerSecond(), r.p50(), r.p99(), r.p999(), r.errors());
        }
    }
}
