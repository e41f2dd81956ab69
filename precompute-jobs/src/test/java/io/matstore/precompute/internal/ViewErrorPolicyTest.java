package io.matstore.precompute.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.schemas.KeyCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's error policy on a real broker with exactly_once_v2, for what gets past the router's checks: a response
 * that cannot be written (over the producer's max.request.size) and an exception while processing both stop the job
 * loudly (counted, client in ERROR) and commit nothing of the event's transaction.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViewErrorPolicyTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path stateDir;

    @Test
    void shouldStopLoudlyWhenAResponseCannotBeWrittenAndCommitNothingOfTheEvent() throws Exception {
        ErrorPolicyView view = new ErrorPolicyView("toolarge", "toolarge.events");
        PrecomputeConfig config = config(view, Map.of("kafka.max.request.size", "65536"));
        try (ViewRunner.Running job = ViewRunner.start(view, config)) {
            publish(view, "a:100");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> readAll(view.descriptor().topic()).size() == 1);
            publish(view, "big:200000", "b:100");
            await().atMost(Duration.ofSeconds(60)).until(() -> job.streams().state() == KafkaStreams.State.ERROR);
            assertThat(job.counters().fatalErrors()).isPositive();
            assertThat(readAll(view.descriptor().topic()))
                    .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .as("nothing of the failed transaction")
                    .containsExactly(key(view, "a"));
        }
    }

    @Test
    void shouldStopLoudlyOnAProcessingErrorAndCommitNothingOfTheEvent() throws Exception {
        ErrorPolicyView view = new ErrorPolicyView("boom", "boom.events");
        try (ViewRunner.Running job = ViewRunner.start(view, config(view, Map.of()))) {
            publish(view, "a:10");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> readAll(view.descriptor().topic()).size() == 1);
            publish(view, "boom", "c:10");
            await().atMost(Duration.ofSeconds(60)).until(() -> job.streams().state() == KafkaStreams.State.ERROR);
            assertThat(job.counters().fatalErrors()).isEqualTo(1);
            assertThat(readAll(view.descriptor().topic()))
                    .as("nothing after the failed event")
                    .hasSize(1);
            assertThat(readAll("boom.events.dlq")).isEmpty();
        }
    }

    private PrecomputeConfig config(ErrorPolicyView view, Map<String, String> more) {
        Map<String, String> s = new java.util.HashMap<>(Map.of(
                "bootstrap.servers",
                KAFKA.bootstrapServers(),
                "source.topic",
                view.sourceTopics().get(0),
                "dead.letter.topic",
                view.sourceTopics().get(0) + ".dlq",
                "topic.partitions",
                "1",
                "state.dir",
                stateDir.toString(),
                "http.port",
                "-1"));
        s.putAll(more);
        return PrecomputeConfig.load(List.of(), Map.of(), s);
    }

    private static String key(ErrorPolicyView view, String id) {
        return new String(KeyCodec.encode(view.descriptor(), id), StandardCharsets.UTF_8);
    }

    private static void publish(ErrorPolicyView view, String... events) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String e : events) {
                byte[] bytes = e.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(view.sourceTopics().get(0), bytes, bytes))
                        .get();
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
