package io.matstore.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Checks the opt-in Testcontainers broker where a Docker engine exists; skipped cleanly where it does not (as on the
 * project's machines). The suites' real coverage comes from the embedded broker, which every other test uses.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ContainerKafkaSmokeTest {
    @Test
    void shouldProduceAndConsumeThroughTheContainerBroker() throws Exception {
        try (KafkaBroker broker = new ContainerKafkaProvider().create().start()) {
            broker.createTopic("smoke", 1, java.util.Map.of());
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, String> p =
                    new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("smoke", "k", "v")).get();
            }
            Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaConsumer<String, String> c =
                    new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition tp = new TopicPartition("smoke", 0);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                assertThat(c.poll(Duration.ofSeconds(10)).records(tp))
                        .extracting(r -> r.value())
                        .containsExactly("v");
            }
        }
    }
}
