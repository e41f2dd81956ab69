package io.matstore.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transactions and exactly-once Kafka Streams on the SASL_SSL broker, set up the way another module's test would:
 * through {@link KafkaBrokerExtension#perClassSaslSsl} and {@link KafkaBrokerExtension#clientSettings()}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SaslSslStreamsTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA =
            KafkaBrokerExtension.perClassSaslSsl(new SaslSslSettings("streams-app", "streams-secret"));

    @Test
    void shouldRunAnExactlyOnceTopologyOverSaslSsl() throws Exception {
        KAFKA.createTopic("secured-in", 2);
        KAFKA.createTopic("secured-out", 2);
        Path stateDir = Files.createTempDirectory("streams-state-");

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("secured-in", Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> v.toUpperCase(Locale.ROOT))
                .to("secured-out", Produced.with(Serdes.String(), Serdes.String()));
        Properties p = new Properties();
        p.putAll(KAFKA.clientSettings());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "secured-eos");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");

        try (KafkaStreams streams = new KafkaStreams(builder.build(), p)) {
            streams.start();
            // A transactional producer too: its commit markers travel the broker's own listener, not the client one.
            try (KafkaProducer<String, String> producer = transactionalProducer()) {
                producer.initTransactions();
                producer.beginTransaction();
                for (String w : List.of("a", "b", "c")) {
                    producer.send(new ProducerRecord<>("secured-in", w, w));
                }
                producer.commitTransaction();
            }
            List<String> out = new ArrayList<>();
            try (KafkaConsumer<String, String> c = readCommittedFromStart("secured-out", 2)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (out.size() < 3 && System.nanoTime() < deadline && streams.state() != KafkaStreams.State.ERROR) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                        out.add(r.value());
                    }
                }
            }
            assertThat(out).containsExactlyInAnyOrder("A", "B", "C");
            streams.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void shouldGiveOtherModulesAWrongPasswordVariantThatIsRefused() {
        Properties p = new Properties();
        p.putAll(KAFKA.clientSettings("streams-app", "wrong-secret"));
        p.put("bootstrap.servers", KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static KafkaProducer<String, String> transactionalProducer() {
        Properties p = new Properties();
        p.putAll(KAFKA.clientSettings());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "secured-tx");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> readCommittedFromStart(String topic, int partitions) {
        Properties p = new Properties();
        p.putAll(KAFKA.clientSettings());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
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
