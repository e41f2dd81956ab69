package io.matstore.precompute.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewLogic;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.ViewTopology;
import io.matstore.schemas.ViewDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An aborted transaction must not leave behind what the task remembered of its records (EmittedHashes): the view
 * writes a new response for a key, then fails once, so the transaction holding that response aborts; the stream
 * thread is replaced in the same process and processes the event again. The response must then be written, not
 * dropped as "unchanged" against a record that never committed. Real broker, exactly_once_v2.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AbortedTransactionSuppressionTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final String SOURCE = "aborted.events";

    @TempDir
    Path stateDir;

    @Test
    void shouldWriteAgainAResponseWhoseTransactionAborted() throws Exception {
        FailOnceView view = new FailOnceView();
        PrecomputeConfig config = PrecomputeConfig.load(
                List.of(),
                Map.of(),
                Map.of(
                        "bootstrap.servers",
                        KAFKA.bootstrapServers(),
                        "source.topic",
                        SOURCE,
                        "dead.letter.topic",
                        SOURCE + ".dlq",
                        "topic.partitions",
                        "1",
                        "state.dir",
                        stateDir.toString(),
                        "http.port",
                        "-1",
                        // the dead thread's consumer does not leave the group: its replacement waits a session
                        "kafka.session.timeout.ms",
                        "6000",
                        "kafka.heartbeat.interval.ms",
                        "1000"));
        int partitions = ViewRunner.ensureTopics(view, config);
        StreamsBuilder builder = new StreamsBuilder();
        // the topology ViewRunner builds: entity events keyed by their partition key skip the repartition hop
        ViewCounters counters =
                ViewTopology.build(builder, view, config.deadLetterTopic(), config.fanOutLimits(), partitions);
        try (KafkaStreams streams =
                new KafkaStreams(builder.build(), ViewRunner.streamsProperties(view, config, counters))) {
            streams.setUncaughtExceptionHandler(e -> StreamThreadExceptionResponse.REPLACE_THREAD);
            streams.start();

            publish("a:10");
            await().atMost(Duration.ofSeconds(60)).until(() -> lengths(view).equals(List.of(10)));

            publish("a:20!"); // writes a's 20-byte response, then fails: that transaction aborts
            await().atMost(Duration.ofSeconds(60)).until(() -> counters.eventsDone() == 2);
            assertThat(view.failed).as("the first attempt failed").isTrue();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(lengths(view))
                            .as("the aborted response is written by the replaced thread")
                            .containsExactly(10, 20));
        }
    }

    private static List<Integer> lengths(FailOnceView view) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Integer> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(view.descriptor().topic(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(io.matstore.schemas.ResponseEnvelopes.responseBytes(
                                    io.matstore.schemas.ResponseEnvelopes.open(r.value()))
                            .length);
                }
            }
        }
        return out;
    }

    private static void publish(String event) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(SOURCE, bytes, bytes)).get();
        }
    }

    /** {@code "<id>:<n>"}: combination id's response is n bytes; a trailing {@code !} fails once after reporting. */
    static final class FailOnceView implements View<String, String> {
        final AtomicBoolean failed = new AtomicBoolean();
        private final ViewDescriptor descriptor = ViewDescriptor.of("abortonce", 1, "id");

        @Override
        public ViewDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public List<String> sourceTopics() {
            return List.of(SOURCE);
        }

        @Override
        public String decode(byte[] value) throws InvalidEventException {
            String s = new String(value, StandardCharsets.UTF_8);
            if (!s.matches("[a-z]+:[0-9]{1,4}!?")) {
                throw new InvalidEventException("not <id>:<n>[!]: " + s);
            }
            return s;
        }

        @Override
        public byte[] partitionKey(String event) {
            return event.substring(0, event.indexOf(':')).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public List<StoreBuilder<KeyValueStore<Bytes, byte[]>>> stores() {
            return List.of();
        }

        @Override
        public ViewLogic<String, String> newLogic(StoreLookup stores) {
            return new ViewLogic<>() {
                @Override
                public void apply(String event, Consumer<? super String> affected) {
                    affected.accept(event.replace("!", ""));
                    if (event.endsWith("!") && failed.compareAndSet(false, true)) {
                        throw new IllegalStateException("fails once, after its response was written");
                    }
                }

                @Override
                public byte[] key(String combination) {
                    return io.matstore.schemas.KeyCodec.encode(
                            descriptor, combination.substring(0, combination.indexOf(':')));
                }

                @Override
                public byte[] compute(String combination) {
                    return new byte[Integer.parseInt(combination.substring(combination.indexOf(':') + 1))];
                }
            };
        }
    }
}
