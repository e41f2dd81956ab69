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
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.views.offers.OfferResponseWriter;
import io.matstore.views.offers.OffersContract;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private static TwoCells cells;
    private static List<URI> urls;
    private static MatstoreClient client;

    static Map<String, String> key(int i) {
        return Map.of("sku", "SKU-" + i, "region", i % 2 == 0 ? "eu" : "us", "currency", "EUR", "tier", "gold");
    }

    @BeforeAll
    static void start() throws Exception {
        KAFKA.createTopic(OffersContract.V1.topic(), PARTITIONS);
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
                        OffersContract.V1.topic(),
                        keyBytes,
                        ResponseEnvelopes.encode(OffersContract.V1, keyBytes, i, 1_000_000L * i, response)));
            }
        }
        cells = TwoCells.start(dir, KAFKA.bootstrapServers(), "client-it", PARTITIONS);
        urls = cells.urls;
        client = MatstoreClient.builder()
                .bootstrap(List.of(urls.get(0)))
                .refreshInterval(Duration.ofMillis(500))
                .build();
        Awaitility.await("every node ingested its cell's keys")
                .atMost(Duration.ofSeconds(120))
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
        if (cells != null) {
            cells.close();
        }
    }

    @Test
    void shouldAnswerEveryKeyFromTheNodeHoldingItsPartition() {
        for (int i = 0; i < KEYS; i++) {
            Map<String, String> k = key(i);
            Lookup lookup = client.get("offers", k);
            int partition = Partitioner.partition(KeyCodec.encode(OffersContract.V1, k), PARTITIONS);
            assertThat(lookup.node()).isIn(cells.ownersOf(partition));
            OfferResponse offer =
                    OfferResponse.getRootAsOfferResponse(lookup.envelope().responseAsByteBuffer());
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
        assertThat(cells.misdirected())
                .as("421 answers after the first routing fetch")
                .isZero();
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
        List<URI> answering =
                results.stream().map(LookupResult::node).distinct().toList();
        assertThat(answering).anyMatch(urls.subList(0, 2)::contains).anyMatch(urls.subList(2, 4)::contains);
    }

    @Test
    void shouldReportAKeyNoNodeHoldsAsNotFound() {
        assertThatThrownBy(() ->
                        client.get("offers", Map.of("sku", "NOPE", "region", "eu", "currency", "EUR", "tier", "gold")))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
        assertThat(client.getJson("offers", key(3)).json()).contains("\"sku\":\"SKU-3\"");
    }
}
