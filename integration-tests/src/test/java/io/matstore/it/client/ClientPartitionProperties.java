package io.matstore.it.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.client.MatstoreClient;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.schemas.KeyCodec;
import io.matstore.views.offers.OffersContract;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The client routes a key to the partition Kafka's producer writes its record to: records keyed by canonical
 * offers keys go to a real 7-partition topic on the embedded broker with the producer's default partitioner (as
 * the precompute job writes them), and each record's partition equals {@link MatstoreClient#partition}, which the
 * client computes from the routing table's dimensions and partition count alone.
 */
class ClientPartitionProperties {
    private static final int PARTITIONS = 7;
    private static final String TOPIC = "client.partition.check";

    private static EmbeddedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;
    private static RoutingDocument routing;
    private static MatstoreClient client;

    @BeforeContainer
    static void start() throws Exception {
        kafka = EmbeddedKafka.inTempDir().start();
        kafka.createTopic(TOPIC, PARTITIONS, Map.of());
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.LINGER_MS_CONFIG,
                        0),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        URI nowhere = URI.create("http://127.0.0.1:1");
        routing = new RoutingDocument(PARTITIONS, Collections.nCopies(PARTITIONS, nowhere));
        client = MatstoreClient.builder().bootstrap(List.of(routing.url())).build();
    }

    @AfterContainer
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (routing != null) {
            routing.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Property(tries = 400)
    void shouldRouteEveryKeyToThePartitionOfItsRecordInTheTopic(
            @ForAll @StringLength(min = 1, max = 40) String sku,
            @ForAll @StringLength(min = 1, max = 8) String region,
            @ForAll @StringLength(min = 1, max = 3) String currency,
            @ForAll @StringLength(min = 1, max = 10) String tier)
            throws Exception {
        Map<String, String> params = Map.of("sku", sku, "region", region, "currency", currency, "tier", tier);
        byte[] key;
        try {
            key = KeyCodec.encode(OffersContract.V1, params);
        } catch (IllegalArgumentException unpairedSurrogate) {
            return;
        }
        RecordMetadata written =
                producer.send(new ProducerRecord<>(TOPIC, key, new byte[0])).get(30, TimeUnit.SECONDS);
        assertThat(client.partition("offers", params)).isEqualTo(written.partition());
    }
}
