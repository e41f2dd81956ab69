package io.matstore.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.client.Lookup;
import io.matstore.client.MatstoreClient;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.Partitioner;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.serving.cluster.Assignment;
import io.matstore.serving.cluster.ClusterSettings;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import io.matstore.views.offers.OfferResponseWriter;
import io.matstore.views.offers.OffersContract;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Make-before-break moves over a real cluster: two cells of two replicas (real nodes on sockets, real stores, the
 * membership on the real broker) serve an 8-partition view through the client while a background thread looks keys
 * up without pause. A third cell joins: exactly the partitions rendezvous hashing now gives it move, no lookup
 * fails, and afterwards the new cell answers them. Then a cell leaves (drains, then its nodes close cleanly), with
 * the same checks.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CellMovesTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final int PARTITIONS = 8;
    private static final int KEYS = 240;
    private static final String TOPIC = OffersContract.V1.topic();

    @TempDir
    Path dir;

    /** Node id → its node, store and URL, in start order. */
    private final Map<String, Running> nodes = new LinkedHashMap<>();

    private MatstoreClient client;
    private final AtomicBoolean looking = new AtomicBoolean(true);
    private final AtomicLong lookups = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private Thread load;

    private record Running(String cell, ServingNode node, VersionedResponseStore store, URI url) {}

    static Map<String, String> key(int i) {
        return Map.of("sku", "SKU-" + i, "region", i % 2 == 0 ? "eu" : "us", "currency", "EUR", "tier", "gold");
    }

    static int partitionOf(int i) {
        return Partitioner.partition(KeyCodec.encode(OffersContract.V1, key(i)), PARTITIONS);
    }

    @Test
    void shouldMoveExactlyTheReassignedPartitionsWithoutAFailedLookupWhenACellJoinsAndWhenOneLeaves() throws Exception {
        publish();
        startCell("a", Set.of("a", "b"));
        startCell("b", Set.of("a", "b"));
        client = MatstoreClient.builder()
                .bootstrap(List.of(nodes.get("a-1").url()))
                .refreshInterval(Duration.ofMillis(300))
                .build();
        awaitHolding(Set.of("a", "b"));
        Awaitility.await("the client finds every key")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> client.getAll("offers", keys()).stream().allMatch(r -> r.found()));
        startLoad();

        // a third cell joins: it takes the partitions it now wins, all from a and b
        SortedSet<Integer> toC = Assignment.partitionsOf("c", Set.of("a", "b"), TOPIC, PARTITIONS);
        assertThat(toC).as("about a third of 8 move").isNotEmpty().hasSizeLessThanOrEqualTo(5);
        long before = lookups.get();
        startCell("c", Set.of("a", "b", "c"));
        awaitHolding(Set.of("a", "b", "c"));
        assertThat(held("c-1")).isEqualTo(toC);
        for (String id : List.of("a-1", "a-2", "b-1", "b-2", "c-1", "c-2")) {
            Awaitility.await("lag gauges of " + id + " follow its partitions")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> lagGaugePartitions(id).equals(held(id)));
        }
        assertMovedPartitionsAnsweredBy(toC, "c");
        assertThat(failures).as("lookups failed while cell c joined").isEmpty();
        assertThat(lookups.get() - before).as("lookups during the join").isGreaterThan(100);

        // cell b leaves: its partitions go to a or c, whichever rendezvous ranks next
        SortedSet<Integer> fromB = held("b-1");
        assertThat(fromB).isEqualTo(Assignment.partitionsOf("b", Set.of("a", "b", "c"), TOPIC, PARTITIONS));
        before = lookups.get();
        CompletableFuture<Boolean> b1 = leave("b-1");
        CompletableFuture<Boolean> b2 = leave("b-2");
        assertThat(b1.get(60, TimeUnit.SECONDS)).as("b-1 handed over").isTrue();
        assertThat(b2.get(60, TimeUnit.SECONDS)).as("b-2 handed over").isTrue();
        close("b-1");
        close("b-2");
        awaitHolding(Set.of("a", "c"));
        for (int p : fromB) {
            String owner = Assignment.owner(Set.of("a", "c"), TOPIC, p);
            assertMovedPartitionsAnsweredBy(new TreeSet<>(Set.of(p)), owner);
        }
        assertThat(failures).as("lookups failed while cell b left").isEmpty();
        assertThat(lookups.get() - before).as("lookups during the leave").isGreaterThan(100);
    }

    private void publish() {
        KAFKA.createTopic(TOPIC, PARTITIONS);
        OfferResponseWriter writer = new OfferResponseWriter(OffersContract.V1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < KEYS; i++) {
                Map<String, String> k = key(i);
                byte[] keyBytes = KeyCodec.encode(OffersContract.V1, k);
                byte[] response = writer.write(
                        k.get("sku"), k.get("region"), "EUR", "gold", "title " + i, "kitchen", 100 + i, 2, "", 0, i, 0);
                producer.send(new ProducerRecord<>(
                        TOPIC,
                        keyBytes,
                        ResponseEnvelopes.encode(OffersContract.V1, keyBytes, i, 1_000_000L * i, response)));
            }
        }
    }

    /** Starts two nodes of {@code cell}, each loading what its cell owns among {@code cells}, as serve does. */
    private void startCell(String cell, Set<String> cells) {
        for (int r = 1; r <= 2; r++) {
            String id = cell + "-" + r;
            ServingNode node = new ServingNode();
            VersionedResponseStore store = ResponseStores.open(
                    StoreConfig.of(dir.resolve(id), KAFKA.bootstrapServers()), node.meterRegistry());
            int port = node.start(
                    store,
                    ServingConfig.of(Map.of(
                            ServingConfig.HOST,
                            "127.0.0.1",
                            ServingConfig.PORT,
                            "0",
                            ServingConfig.IO_THREADS,
                            "1",
                            ServingConfig.STATUS_REFRESH_MS,
                            "100",
                            ClusterSettings.NAME,
                            "moves-it",
                            ClusterSettings.CELL_ID,
                            cell,
                            ClusterSettings.NODE_ID,
                            id,
                            ClusterSettings.HEARTBEAT_MS,
                            "300",
                            ClusterSettings.MEMBER_TIMEOUT_MS,
                            "5000",
                            ClusterSettings.MOVE_GRACE_MS,
                            "1000")),
                    Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
            nodes.put(id, new Running(cell, node, store, URI.create("http://127.0.0.1:" + port)));
            store.addVersion(OffersContract.V1, Assignment.partitionsOf(cell, cells, TOPIC, PARTITIONS));
            store.makeCurrent("offers", 1);
            node.startMoves(store);
        }
    }

    private SortedSet<Integer> held(String id) {
        ViewStatus s = nodes.get(id).store().status("offers", 1);
        SortedSet<Integer> held = new TreeSet<>();
        for (ViewStatus.PartitionStatus p : s.partitions()) {
            held.add(p.partition());
        }
        return held;
    }

    private SortedSet<Integer> lagGaugePartitions(String id) {
        SortedSet<Integer> out = new TreeSet<>();
        nodes.get(id)
                .node()
                .meterRegistry()
                .find("matstore_ingest_lag_records")
                .gauges()
                .forEach(g -> out.add(Integer.valueOf(g.getId().getTag("partition"))));
        return out;
    }

    private boolean allLoaded(String id) {
        ViewStatus s = nodes.get(id).store().status("offers", 1);
        return s.loaded() && s.partitions().stream().allMatch(ViewStatus.PartitionStatus::loaded);
    }

    /** Waits until every running node holds, loaded, exactly what its cell owns among {@code cells}. */
    private void awaitHolding(Set<String> cells) {
        Awaitility.await("every node holds its cell's share among " + cells)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    for (Map.Entry<String, Running> e : nodes.entrySet()) {
                        String cell = e.getValue().cell();
                        if (!held(e.getKey()).equals(Assignment.partitionsOf(cell, cells, TOPIC, PARTITIONS))
                                || !allLoaded(e.getKey())) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** Every key of {@code partitions} is answered, by a node of {@code cell}, once the client's table follows. */
    private void assertMovedPartitionsAnsweredBy(SortedSet<Integer> partitions, String cell) {
        Set<URI> urls = new java.util.HashSet<>();
        nodes.values().stream().filter(r -> r.cell().equals(cell)).forEach(r -> urls.add(r.url()));
        Awaitility.await("partitions " + partitions + " answered by cell " + cell)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (int i = 0; i < KEYS; i++) {
                        if (partitions.contains(partitionOf(i))) {
                            Lookup lookup = client.get("offers", key(i));
                            assertThat(lookup.node())
                                    .as("node answering key %d", i)
                                    .isIn(urls);
                            OfferResponse offer = OfferResponse.getRootAsOfferResponse(
                                    lookup.envelope().responseAsByteBuffer());
                            assertThat(offer.sku()).isEqualTo("SKU-" + i);
                        }
                    }
                });
    }

    private List<Map<String, String>> keys() {
        List<Map<String, String>> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(key(i));
        }
        return keys;
    }

    /** Looks every key up in turn, without pause, until the test ends; any exception is a failed lookup. */
    private void startLoad() {
        load = new Thread(
                () -> {
                    int i = 0;
                    while (looking.get()) {
                        try {
                            Lookup lookup = client.get("offers", key(i));
                            OfferResponse offer = OfferResponse.getRootAsOfferResponse(
                                    lookup.envelope().responseAsByteBuffer());
                            if (!offer.sku().equals("SKU-" + i)) {
                                failures.add("key " + i + " answered " + offer.sku());
                            }
                            lookups.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add("key " + i + " (partition " + partitionOf(i) + "): " + e);
                        }
                        i = (i + 1) % KEYS;
                    }
                },
                "client-load");
        load.setDaemon(true);
        load.start();
    }

    private CompletableFuture<Boolean> leave(String id) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return nodes.get(id).node().leave(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    private void close(String id) {
        Running r = nodes.remove(id);
        r.node().close();
        r.store().close();
    }

    @AfterEach
    void stop() throws InterruptedException {
        looking.set(false);
        if (load != null) {
            load.join(10_000);
        }
        if (client != null) {
            client.close();
        }
        for (Running r : nodes.values()) {
            r.node().close();
        }
        for (Running r : nodes.values()) {
            r.store().close();
        }
    }
}
