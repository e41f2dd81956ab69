package io.matstore.bench.store;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Time and rate to load a fresh view version of N combinations into a serving node's store, with bulk loading
 * (sorted runs → SST files → ingestExternalFile, offsets stored after) and with live ingest (one WriteBatch per
 * poll), from the same topic on a real embedded broker. Each load gets a fresh store directory; the time runs from
 * {@code addVersion} until the version is caught up with its topic (and, for bulk, its near-cache filled).
 *
 * <pre>
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java -Xmx1g $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.store.BulkLoadRun [combinations] [modes]
 * </pre>
 * Defaults: 1,000,000 combinations (envelopes ~300 bytes, 4 partitions, every key written once, as a fresh replay
 * leaves a compacted view topic), modes {@code bulk,live,bulk,live} (alternating, so neither always runs with a
 * colder page cache). Each load is bounded to 10 minutes; the broker and files are temporary and removed.
 */
public final class BulkLoadRun {
    private static final ViewDescriptor VIEW = ViewDescriptor.of("offers", 2, "sku", "region", "currency", "tier");
    private static final String[] REGIONS = {"us", "eu", "uk", "jp"};
    private static final String[] TIERS = {"standard", "gold"};
    private static final int PARTITIONS = 4;

    private BulkLoadRun() {}

    public static void main(String[] args) throws Exception {
        int combinations = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String[] modes = (args.length > 1 ? args[1] : "bulk,live,bulk,live").split(",");
        Path dir = Files.createTempDirectory("bulk-load-");
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            kafka.createTopic(VIEW.topic(), PARTITIONS, Map.of("cleanup.policy", "compact"));
            long produceStart = System.nanoTime();
            int envelopeBytes = produce(kafka.bootstrapServers(), combinations);
            System.out.printf(
                    "produced %,d envelopes of %d bytes in %.1f s%n",
                    combinations, envelopeBytes, (System.nanoTime() - produceStart) / 1e9);
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < modes.length; i++) {
                LoadMode mode = LoadMode.valueOf(modes[i].trim().toUpperCase(Locale.ROOT));
                rows.add(load(kafka.bootstrapServers(), dir.resolve("store-" + i), mode, combinations));
            }
            System.out.println();
            System.out.println("| mode | combinations | seconds | records/s | entries | bytes on disk |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static String load(String bootstrap, Path storeDir, LoadMode mode, int combinations)
            throws InterruptedException, IOException {
        StoreConfig config = StoreConfig.of(storeDir, bootstrap).withNearCache(20_000, 20_000L * 512);
        try (VersionedResponseStore store = ResponseStores.open(config)) {
            long start = System.nanoTime();
            store.addVersion(VIEW, Set.of(0, 1, 2, 3), mode);
            long deadline = start + Duration.ofMinutes(10).toNanos();
            ViewStatus s = store.status(VIEW.name(), VIEW.version());
            while (s.phase() != ViewStatus.Phase.LIVE
                    || s.totalLag() > 0
                    || s.lastCaughtUpMillis() == 0
                    || offsets(s) < combinations) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(mode + " load not done in 10 minutes: " + s);
                }
                Thread.sleep(10);
                s = store.status(VIEW.name(), VIEW.version());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long entries = store.countEntries(VIEW.name(), VIEW.version());
            String row = String.format(
                    "| %s | %,d | %.2f | %,.0f | %,d | %,d |",
                    mode.name().toLowerCase(Locale.ROOT),
                    combinations,
                    seconds,
                    combinations / seconds,
                    entries,
                    s.bytesOnDisk());
            System.out.println(row);
            if (entries != combinations) {
                throw new IllegalStateException(mode + " loaded " + entries + " entries, expected " + combinations);
            }
            return row;
        } finally {
            deleteRecursively(storeDir);
        }
    }

    private static long offsets(ViewStatus s) {
        long sum = 0;
        for (ViewStatus.PartitionStatus p : s.partitions()) {
            sum += p.offset();
        }
        return sum;
    }

    /** skus × 4 regions × 2 tiers combinations in USD, each one envelope; returns one envelope's size. */
    private static int produce(String bootstrap, int combinations) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                10,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4");
        Random random = new Random(42);
        byte[] response = new byte[200]; // an offers response is ~200 bytes; content does not matter to the store
        int size = 0;
        int n = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; n < combinations; i++) {
                String sku = String.format("SKU-%07d", i);
                for (int r = 0; r < REGIONS.length && n < combinations; r++) {
                    for (int t = 0; t < TIERS.length && n < combinations; t++, n++) {
                        byte[] key = KeyCodec.encode(VIEW, sku, REGIONS[r], "USD", TIERS[t]);
                        random.nextBytes(response);
                        byte[] envelope = ResponseEnvelopes.encode(
                                VIEW, key, random.nextLong(), System.currentTimeMillis() * 1000, response);
                        size = envelope.length;
                        producer.send(new ProducerRecord<>(VIEW.topic(), key, envelope));
                    }
                }
            }
        }
        return size;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
