package io.matstore.it.precompute;

import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventCodec;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Publishes offers events to a source topic the way the suites need: in order per key, right after topic creation. */
public final class OffersSource {
    private OffersSource() {}

    /** One producer, one request in flight: each key's events land in the order they were sent. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Without idempotence: it survives NOT_LEADER right after topic creation; one in flight keeps the order.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static void send(KafkaProducer<byte[], byte[]> producer, String topic, OffersEvent e) {
        OffersEventCodec.Encoded encoded = OffersEventCodec.encode(e);
        producer.send(new ProducerRecord<>(topic, encoded.key(), encoded.value()));
    }
}
