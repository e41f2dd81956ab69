package io.matstore.bench.serving;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.bench.http.FixedBodyServer;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import io.matstore.views.offers.OffersContract;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Load run of a real serving node on loopback with wrk (Debian's {@code wrk}), beside the floor: a minimal Netty
 * server returning a fixed body of the same size ({@link FixedBodyServer}), in the same run, same transport, one
 * event-loop thread each, {@code wrk -t1 -c64}. Scenarios: near-cache hits (a hot set much smaller than the
 * near-cache), misses (uniform over a view far larger than the near-cache: RocksDB reads), and 304 revalidations.
 * The view is produced to a real embedded broker and ingested by the real store first.
 *
 * <pre>
 * apt-get install -y wrk
 * ./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.serving.ServingLoadRun \
 *      [skus] [seconds] [near-cache entries] [rounds]
 * </pre>
 * Defaults: 25,000 skus (200,000 keys: 4 regions × 2 tiers, USD), near-cache 20,000 entries, 15 s per scenario
 * after a 5 s warm-up, one round. Issue 15 goal 7's scenario is {@code 125000 10 100000 2}: 1,000,000 keys, a
 * near-cache of 10 % of them. With more than one round, hits and misses alternate (the floor and the 304s run in
 * the first round only), so a neighbour's load spreads over both. Traffic goes to 127.0.0.1 only; every server and
 * wrk process stops by itself.
 */
public final class ServingLoadRun {
    public static final String[] REGIONS = {"us", "eu", "uk", "jp"};
    public static final String[] TIERS = {"standard", "gold"};
    /** Skus of the hot set (× 8 keys), small enough for any near-cache these runs configure. */
    public static final int HOT_SKUS = 250;

    private ServingLoadRun() {}

    public static void main(String[] args) throws Exception {
        int skus = args.length > 0 ? Integer.parseInt(args[0]) : 25_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        long nearCache = args.length > 2 ? Long.parseLong(args[2]) : 20_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Path dir = Files.createTempDirectory("serving-load-");
        Wrk wrk = new Wrk(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            int bodyBytes = produceView(kafka.bootstrapServers(), topic, skus);
            StoreConfig storeConfig = StoreConfig.of(dir.resolve("store"), kafka.bootstrapServers())
                    .withNearCache(nearCache, nearCache * 512);
            try (VersionedResponseStore store = ResponseStores.open(storeConfig)) {
                store.addVersion(OffersContract.V1, Set.of(0, 1, 2, 3));
                store.makeCurrent("offers", 1);
                long ingestStart = System.nanoTime();
                if (!store.awaitCaughtUp("offers", 1, Duration.ofMinutes(5))) {
                    throw new IllegalStateException("store did not catch up in 5 minutes");
                }
                System.out.printf("ingested %,d keys in %.1f s%n", skus * 8L, (System.nanoTime() - ingestStart) / 1e9);
                ServingNode node = new ServingNode();
                int port = node.start(
                        store, ServingConfig.of(Map.of(ServingConfig.PORT, "0", ServingConfig.IO_THREADS, "1")));
                try (FixedBodyServer floor = new FixedBodyServer(0, bodyBytes, 1)) {
                    String etag = etagOfFirstKey(port);
                    List<String> rows = new ArrayList<>();
                    run(wrk, "warm-up", floor.port(), 5, "1", "fixed", null);
                    rows.add(run(
                            wrk,
                            "floor: fixed " + bodyBytes + "-byte body",
                            floor.port(),
                            seconds,
                            "1",
                            "fixed",
                            null));
                    for (int round = 1; round <= rounds; round++) {
                        String r = rounds > 1 ? ", round " + round : "";
                        rows.add(measure(
                                wrk,
                                store,
                                "near-cache hits (" + HOT_SKUS * 8 + " hot keys" + r + ")",
                                port,
                                seconds,
                                String.valueOf(HOT_SKUS),
                                "keys",
                                null));
                        rows.add(measure(
                                wrk,
                                store,
                                "misses (uniform over " + skus * 8 + " keys, near-cache " + nearCache + r + ")",
                                port,
                                seconds,
                                String.valueOf(skus),
                                "keys",
                                null));
                    }
                    rows.add(measure(wrk, store, "304 revalidations", port, seconds, "1", "etag", etag));
                    System.out.println();
                    System.out.println(
                            "| scenario | req/s | p50 µs | p99 µs | p99.9 µs | non-2xx/3xx | near-cache hit ratio |");
                    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
                    rows.forEach(System.out::println);
                } finally {
                    node.close();
                }
            }
        }
    }

    private static String measure(
            Wrk wrk,
            VersionedResponseStore store,
            String name,
            int port,
            int seconds,
            String skus,
            String mode,
            String etag)
            throws Exception {
        run(wrk, "warm-up", port, 5, skus, mode, etag);
        ViewStatus before = store.status("offers", 1);
        String row = run(wrk, name, port, seconds, skus, mode, etag);
        ViewStatus after = store.status("offers", 1);
        long hits = after.nearCacheHits() - before.nearCacheHits();
        long misses = after.nearCacheMisses() - before.nearCacheMisses();
        double ratio = hits + misses == 0 ? Double.NaN : (double) hits / (hits + misses);
        return row.replace("| n/a |", String.format("| %.3f |", ratio));
    }

    /** Runs wrk once and returns a markdown row. */
    private static String run(Wrk wrk, String name, int port, int seconds, String skus, String mode, String etag)
            throws IOException, InterruptedException {
        java.time.LocalTime from = java.time.LocalTime.now();
        Wrk.Result r = wrk.run(port, seconds, Integer.parseInt(skus), mode, etag);
        // on stderr, to match a profile's samples (JFR) to the scenario
        System.err.println("# " + name + " ran " + from + " to " + java.time.LocalTime.now());
        String row = String.format(
                "| %s | %,.0f | %d | %d | %d | %d | n/a |",
                name, r.requestsPerSecond(), r.p50(), r.p99(), r.p999(), r.errors());
        System.out.println(row);
        return row;
    }

    private static String etagOfFirstKey(int port) throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                        + "/v1/views/offers?sku=SKU-000000&region=us&currency=USD&tier=standard"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        return r.headers().firstValue("ETag").orElseThrow(() -> new IllegalStateException("no ETag: " + r));
    }

    /**
     * Produces skus × 4 regions × 2 tiers envelopes of offers v1 in USD (SKU-000000 …); returns the size of one
     * envelope. Also used by {@code ClientLoadRun}.
     */
    public static int produceView(String bootstrap, String topic, int skus) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                10,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024);
        int size = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < skus; i++) {
                String sku = String.format("SKU-%06d", i);
                for (String region : REGIONS) {
                    for (String tier : TIERS) {
                        byte[] key = KeyCodec.encode(OffersContract.V1, sku, region, "USD", tier);
                        byte[] envelope = envelope(key, i, region, tier);
                        size = envelope.length;
                        producer.send(new ProducerRecord<>(topic, key, envelope));
                    }
                }
            }
        }
        return size;
    }

    /** The envelope these runs store under {@code key}: offers v1 of sku number {@code i} in USD. */
    public static byte[] envelope(byte[] key, int i, String region, String tier) {
        String sku = String.format("SKU-%06d", i);
        return ResponseEnvelopes.encode(
                OffersContract.V1,
                key,
                sku.hashCode() * 31L + region.hashCode() + tier.hashCode(),
                System.currentTimeMillis() * 1000,
                response(sku, region, tier, i));
    }

    private static byte[] response(String sku, String region, String tier, int i) {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int r = OfferResponse.createOfferResponse(
                b,
                b.createString(sku),
                b.createString(region),
                b.createString("USD"),
                b.createString(tier),
                b.createString("Product " + i),
                b.createString("cat-" + (i % 50)),
                1_000L + i,
                2,
                b.createString(""),
                0,
                i % 100,
                i % 100 > 0,
                0L);
        b.finish(r);
        return b.sizedByteArray();
    }
}
