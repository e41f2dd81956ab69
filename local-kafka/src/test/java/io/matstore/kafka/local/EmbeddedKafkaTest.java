package io.matstore.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    @Test
    void shouldDeliverProducedRecordsToAConsumer() throws Exception {
        KAFKA.createTopic("round-trip", 3);
        try (KafkaProducer<String, String> producer = producer(KAFKA.bootstrapServers())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("round-trip", "k" + i, "v" + i))
                        .get();
            }
        }
        List<ConsumerRecord<String, String>> got = readAll(KAFKA.bootstrapServers(), "round-trip", 3, 100);
        assertThat(got).hasSize(100);
        assertThat(got).extracting(ConsumerRecord::value).contains("v0", "v99");
    }

    @Test
    void shouldKeepTheLogAcrossStopAndStart() throws Exception {
        KAFKA.createTopic("survives-restart", 1);
        try (KafkaProducer<String, String> producer = producer(KAFKA.bootstrapServers())) {
            producer.send(new ProducerRecord<>("survives-restart", "k", "before"))
                    .get();
        }
        String before = KAFKA.bootstrapServers();

        KAFKA.kafka().stop();
        assertThat(KAFKA.kafka().isRunning()).isFalse();
        KAFKA.kafka().start();

        assertThat(KAFKA.bootstrapServers()).isEqualTo(before);
        try (KafkaProducer<String, String> producer = producer(KAFKA.bootstrapServers())) {
            producer.send(new ProducerRecord<>("survives-restart", "k", "after"))
                    .get();
        }
        assertThat(readAll(KAFKA.bootstrapServers(), "survives-restart", 1, 2))
                .extracting(ConsumerRecord::value)
                .containsExactly("before", "after");
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int partitions, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = readCommittedFromStart(bootstrap, topic, partitions)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static KafkaConsumer<String, String> readCommittedFromStart(String bootstrap, String topic, int partitions) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            tps.add(new TopicPartition(topic, i));
        }
        c.assign(tps);
        c.seekToBeginning(tps);
        return c;
    }
}
