package io.matstore.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A small stateful Kafka Streams topology with exactly_once_v2 runs on the embedded broker. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExactlyOnceStreamsTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    @Test
    void shouldCountWordsExactlyOnceIntoACommittedOutputTopic() throws Exception {
        KAFKA.createTopic("words", 2);
        KAFKA.createTopic("word-counts", 2, Map.of("cleanup.policy", "compact"));
        Path stateDir = Files.createTempDirectory("streams-state-");

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                .groupBy((k, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("counts")
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.Long()))
                .toStream()
                .mapValues(String::valueOf)
                .to("word-counts", Produced.with(Serdes.String(), Serdes.String()));

        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");

        try (KafkaStreams streams = new KafkaStreams(builder.build(), p)) {
            streams.start();
            try (KafkaProducer<String, String> producer = EmbeddedKafkaTest.producer(KAFKA.bootstrapServers())) {
                for (String w : List.of("a", "b", "a", "c", "a", "b")) {
                    producer.send(new ProducerRecord<>("words", null, w)).get();
                }
            }
            Map<String, String> latest = new HashMap<>();
            try (KafkaConsumer<String, String> c =
                    EmbeddedKafkaTest.readCommittedFromStart(KAFKA.bootstrapServers(), "word-counts", 2)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!latest.equals(Map.of("a", "3", "b", "2", "c", "1"))
                        && System.nanoTime() < deadline
                        && streams.state() != KafkaStreams.State.ERROR) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                        latest.put(r.key(), r.value());
                    }
                }
            }
            // Only committed transactions are visible under read_committed: the final counts, never a partial one.
            assertThat(latest).isEqualTo(Map.of("a", "3", "b", "2", "c", "1"));
            streams.close(Duration.ofSeconds(30));
        } finally {
            EmbeddedKafka.deleteRecursively(stateDir);
        }
    }
}
