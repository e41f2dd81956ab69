package io.matstore.precompute;

import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Test helper: publishes offers events to a source topic and waits until the broker has them. */
public final class SourceEvents {
    private SourceEvents() {}

    public static void publish(String bootstrapServers, String topic, List<OffersEvent> events) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (OffersEvent e : events) {
                OffersEventCodec.Encoded encoded = OffersEventCodec.encode(e);
                p.send(new ProducerRecord<>(topic, encoded.key(), encoded.value()))
                        .get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        }
    }
}
