package io.matstore.views.offers;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.offers.fb.OfferResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Offers events onto a real source topic and the committed view back, for the tests that run the job on a broker. */
public final class OffersTopics {
    private static final AtomicLong LAST_TIMESTAMP = new AtomicLong();

    private OffersTopics() {}

    /**
     * Publishes {@code events} in order with strictly increasing timestamps (across calls too): products and FX
     * changes reach a task through two repartition topics and a task orders them by timestamp, so in one millisecond
     * an FX change could overtake the products it should re-price.
     */
    public static void publish(String bootstrap, String topic, OffersEvent... events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (OffersEvent event : events) {
                OffersEventCodec.Encoded e = OffersEventCodec.encode(event);
                long timestamp = LAST_TIMESTAMP.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis()));
                producer.send(new ProducerRecord<>(topic, null, timestamp, e.key(), e.value()));
            }
            producer.flush();
        }
    }

    /**
     * The committed view up to its end as of now, every partition, last record per key (null for a tombstone), in
     * {@code currency} only, keyed "sku/region/tier".
     */
    public static Map<String, OfferResponse> lastResponses(String bootstrap, ViewDescriptor view, String currency) {
        Map<String, OfferResponse> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : committed(bootstrap, view.topic())) {
            List<String> key = KeyCodec.decode(view, r.key());
            if (key.get(2).equals(currency)) {
                out.put(key.get(0) + "/" + key.get(1) + "/" + key.get(3), r.value() == null ? null : response(r));
            }
        }
        return out;
    }

    /** Every committed record of {@code topic} up to its end as of now, partition by partition, in offset order. */
    public static List<ConsumerRecord<byte[], byte[]>> committed(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (PartitionInfo partition : c.partitionsFor(topic)) {
                TopicPartition tp = new TopicPartition(topic, partition.partition());
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long end = c.endOffsets(List.of(tp)).get(tp);
                while (c.position(tp) < end) {
                    c.poll(Duration.ofMillis(200)).forEach(out::add);
                }
            }
        }
        return out;
    }

    private static OfferResponse response(ConsumerRecord<byte[], byte[]> r) {
        return OfferResponse.getRootAsOfferResponse(
                ByteBuffer.wrap(ResponseEnvelopes.responseBytes(ResponseEnvelopes.open(r.value()))));
    }
}
