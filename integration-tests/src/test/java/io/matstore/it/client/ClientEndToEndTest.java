package io.matstore.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.client.Lookup;
import io.matstore.client.LookupResult;
import io.matstore.client.MatstoreClient;
import io.matstore.client.NotFoundException;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.Partitioner;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.offers.OfferResponseWriter;
import io.matstore.schemas.offers.OffersContract;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.serving.cluster.Assignment;
import io.matstore.serving.cluster.ClusterSettings;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real cluster: two cells of two replicas, four serving nodes each over its own real store
 * (RocksDB + Chronicle Map), members of one cluster on the real broker, each cell holding the partitions rendezvous
 * hashing gives it of a real 4-partition view topic. The client knows only one bootstrap URL and learns the rest from
 * {@code GET /v1/cluster}; a key sent to the wrong cell would answer 421, so every value found in one hop proves the
 * client's route is the topic's partition.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final int PARTITIONS = 4;
    private static final int KEYS = 200;

    @TempDir
    static Path dir;

    private static final List<VersionedResponseStore> stores = new ArrayList<>();
    private static final List<ServingNode> nodes = new ArrayList<>();
    private static final List<URI> urls = new ArrayList<>();
    private static MatstoreClient client;

    static Map<String, String> key(int i) {
        return Map.of("sku", "SKU-" + i, "region", i % 2 == 0 ? "eu" : "us", "currency", "EUR", "tier", "gold");
    }

    @BeforeAll
    static void start() throws Exception {
        KAFKA.createTopic(OffersContract.V1.topic(), PARTITIONS);
        OfferResponseWriter writer = new OfferResponseWriter(OffersContract.V1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < KEYS; i++) {
                Map<String, String> k = key(i);
                byte[] keyBytes = KeyCodec.encode(OffersContract.V1, k);
                byte[] response = writer.write(k.get("sku"), k.get("region"), "EUR", "gold", "title " + i, "kitchen",
                        100 + i, 2, "", 0, i, 0);
                producer.send(new ProducerRecord<>(OffersContract.V1.topic(), keyBytes,
                        ResponseEnvelopes.encode(OffersContract.V1, keyBytes, i, 1_000_000L * i, response)));
            }
        }
        for (String id : List.of("a-1", "a-2", "b-1", "b-2")) {
            ServingNode node = new ServingNode();
            nodes.add(node);
            VersionedResponseStore store = ResponseStores.open(StoreConfig.of(dir.resolve(id),
                    KAFKA.bootstrapServers()), node.meterRegistry());
            stores.add(store);
            int port = node.start(store, ServingConfig.of(Map.of(ServingConfig.PORT, "0",
                    ServingConfig.IO_THREADS, "1", ServingConfig.STATUS_REFRESH_MS, "100",
                    ClusterSettings.NAME, "client-it", ClusterSettings.CELL_ID, id.substring(0, 1),
                    ClusterSettings.NODE_ID, id, ClusterSettings.HEARTBEAT_MS, "300",
                    ClusterSettings.MEMBER_TIMEOUT_MS, "5000")), Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
            urls.add(URI.create("http://127.0.0.1:" + port));
        }
        // as `bin/matstore serve` does once every node of the cluster is up: settle, then load the cell's share
        for (int i = 0; i < nodes.size(); i++) {
            String cell = i < 2 ? "a" : "b";
            Set<String> cells = nodes.get(i).membership().settledCells(cell, Duration.ofSeconds(30));
            stores.get(i).addVersion(OffersContract.V1, Assignment.partitionsOf(cell, cells,
                    OffersContract.V1.topic(), PARTITIONS));
            stores.get(i).makeCurrent("offers", 1);
        }
        client = MatstoreClient.builder().bootstrap(List.of(urls.get(0))).refreshInterval(Duration.ofMillis(500))
                .build();
        Awaitility.await("every node ingested its cell's keys").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> client.getAll("offers", keys()).stream().allMatch(LookupResult::found));
    }

    static List<Map<String, String>> keys() {
        List<Map<String, String>> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(key(i));
        }
        return keys;
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        nodes.forEach(ServingNode::close);
        stores.forEach(VersionedResponseStore::close);
    }

    @Test
    void shouldAnswerEveryKeyFromTheNodeHoldingItsPartition() {
        for (int i = 0; i < KEYS; i++) {
            Map<String, String> k = key(i);
            Lookup lookup = client.get("offers", k);
            int partition = Partitioner.partition(KeyCodec.encode(OffersContract.V1, k), PARTITIONS);
            String owner = Assignment.owner(List.of("a", "b"), OffersContract.V1.topic(), partition);
            assertThat(lookup.node()).isIn(owner.equals("a") ? urls.subList(0, 2) : urls.subList(2, 4));
            OfferResponse offer = OfferResponse.getRootAsOfferResponse(lookup.envelope().responseAsByteBuffer());
            assertThat(offer.sku()).isEqualTo("SKU-" + i);
            assertThat(offer.title()).isEqualTo("title " + i);
            assertThat(lookup.version()).isEqualTo(1);
            assertThat(lookup.etag()).matches("\"[0-9a-f]{16}\"");
            assertThat(lookup.computedAtMicros()).isEqualTo(1_000_000L * i);
        }
    }

    @Test
    void shouldReachEveryOwnerInOneHop() {
        for (int i = 0; i < KEYS; i++) {
            client.get("offers", key(i));
        }
        client.getAll("offers", keys());
        double misdirected = 0;
        for (ServingNode n : nodes) {
            misdirected += n.meterRegistry().find("matstore_misdirected_lookups").counters().stream()
                    .mapToDouble(Counter::count).sum();
        }
        assertThat(misdirected).as("421 answers after the first routing fetch").isZero();
    }

    @Test
    void shouldAnswerEveryKeyOfAGetAllInOrderFromBothCells() {
        List<LookupResult> results = client.getAll("offers", keys());
        for (int i = 0; i < KEYS; i++) {
            LookupResult r = results.get(i);
            assertThat(r.found()).isTrue();
            assertThat(r.json()).startsWith("{\"sku\":\"SKU-" + i + "\",");
            assertThat(r.json()).contains("\"title\":\"title " + i + "\"");
            assertThat(r.version()).isEqualTo(1);
        }
        // batches per cell (of at most 100 keys), each to one replica of it
        List<URI> answering = results.stream().map(LookupResult::node).distinct().toList();
        assertThat(answering).anyMatch(urls.subList(0, 2)::contains).anyMatch(urls.subList(2, 4)::contains);
    }

    @Test
    void shouldReportAKeyNoNodeHoldsAsNotFound() {
        assertThatThrownBy(() -> client.get("offers", Map.of("sku", "NOPE", "region", "eu", "currency", "EUR",
                "tier", "gold")))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
        assertThat(client.getJson("offers", key(3)).json()).contains("\"sku\":\"SKU-3\"");
    }
}
