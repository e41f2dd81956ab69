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
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
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
 * The client against two real serving nodes, each over its own real store (RocksDB + Chronicle Map) ingesting half
 * of a real 4-partition view topic (node A partitions 0 and 1, node B 2 and 3): a key sent to the wrong node would
 * answer 404, so every value found proves the client's route is the topic's partition. The routing document comes
 * from {@link RoutingDocument}, a stand-in until the nodes serve {@code /v1/cluster} themselves.
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
    private static RoutingDocument routing;
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
        List<URI> owners = new ArrayList<>();
        for (Set<Integer> held : List.of(Set.of(0, 1), Set.of(2, 3))) {
            VersionedResponseStore store = ResponseStores.open(StoreConfig.of(dir.resolve("store-" + stores.size()),
                    KAFKA.bootstrapServers()));
            stores.add(store);
            store.addVersion(OffersContract.V1, held);
            store.makeCurrent("offers", 1);
            ServingNode node = new ServingNode();
            nodes.add(node);
            urls.add(URI.create("http://127.0.0.1:" + node.start(store, ServingConfig.of(Map.of(
                    ServingConfig.PORT, "0", ServingConfig.IO_THREADS, "1")))));
        }
        for (int p = 0; p < PARTITIONS; p++) {
            owners.add(urls.get(p < 2 ? 0 : 1));
        }
        routing = new RoutingDocument(PARTITIONS, owners);
        client = MatstoreClient.builder().bootstrap(List.of(routing.url())).build();
        Awaitility.await("both nodes ingested every key").atMost(Duration.ofSeconds(120))
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
        if (routing != null) {
            routing.close();
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
            assertThat(lookup.node()).isEqualTo(urls.get(partition < 2 ? 0 : 1));
            OfferResponse offer = OfferResponse.getRootAsOfferResponse(lookup.envelope().responseAsByteBuffer());
            assertThat(offer.sku()).isEqualTo("SKU-" + i);
            assertThat(offer.title()).isEqualTo("title " + i);
            assertThat(lookup.version()).isEqualTo(1);
            assertThat(lookup.etag()).matches("\"[0-9a-f]{16}\"");
            assertThat(lookup.computedAtMicros()).isEqualTo(1_000_000L * i);
        }
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
        assertThat(results.stream().map(LookupResult::node).distinct()).containsExactlyInAnyOrderElementsOf(urls);
    }

    @Test
    void shouldReportAKeyNoNodeHoldsAsNotFound() {
        assertThatThrownBy(() -> client.get("offers", Map.of("sku", "NOPE", "region", "eu", "currency", "EUR",
                "tier", "gold")))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
        assertThat(client.getJson("offers", key(3)).json()).contains("\"sku\":\"SKU-3\"");
    }
}
