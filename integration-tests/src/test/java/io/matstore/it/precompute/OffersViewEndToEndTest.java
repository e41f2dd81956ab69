package io.matstore.it.precompute;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.DeadLetters;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.publish.Progress;
import io.matstore.precompute.publish.Publisher;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventFormat;
import io.matstore.views.offers.OffersJson;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offers job on a real broker with 4 partitions: a seeded random stream (2,000 products, FX and promotion
 * changes, deletions and re-creations) goes through the publish path; the final compacted view, read committed,
 * must equal an independent reference computation of the spec, key for key.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class OffersViewEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final int PARTITIONS = 4;
    private static final List<String> REGIONS = OffersView.DEFAULT_REGIONS;

    @TempDir
    Path dir;

    @Test
    void shouldMaterializeExactlyTheReferenceViewOfASeededStreamAcrossFourPartitions() throws Exception {
        String source = "it.offers.events";
        String dlq = "it.offers.events.dlq";
        KAFKA.createTopic(source, PARTITIONS);

        // A seeded stream, written as JSON lines and published through the publish tool.
        DemoEventGenerator generator =
                new DemoEventGenerator(2_000, REGIONS, 20_261_123L, new DemoEventGenerator.Mix(4, 150));
        List<OffersEvent> events = new ArrayList<>();
        generator.catalogue(events::add);
        for (int i = 0; i < 4_000; i++) {
            events.add(generator.next());
        }
        events.add(new OffersEvent.FxRateChanged("SEK", 10_500_000L, 2)); // a currency new to the space
        Path file = dir.resolve("events.jsonl");
        Files.write(file, events.stream().map(OffersJson::format).toList(), StandardCharsets.UTF_8);
        assertThat(events)
                .filteredOn(e -> e instanceof OffersEvent.ProductDeleted)
                .hasSizeGreaterThan(50);
        assertThat(events)
                .filteredOn(e -> e instanceof OffersEvent.FxRateChanged)
                .hasSizeGreaterThan(10);
        assertThat(events)
                .filteredOn(e -> e instanceof OffersEvent.PromotionUpserted)
                .hasSizeGreaterThan(200);

        PrecomputeConfig config = PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC, source,
                PrecomputeConfig.DEAD_LETTER_TOPIC, dlq,
                PrecomputeConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS),
                PrecomputeConfig.STATE_DIR, dir.resolve("state").toString()));
        assertThat(Publisher.publish(new OffersEventFormat(), config, source, file, Progress.NONE))
                .isEqualTo(events.size());
        publishPoison(source);

        OffersReference reference = new OffersReference(REGIONS);
        events.forEach(reference::apply);
        Map<List<String>, OffersReference.Offer> expected = reference.responses();
        assertThat(expected).as("products x 4 regions x currencies x 2 tiers").hasSizeGreaterThan(50_000);

        Map<List<String>, OffersReference.Offer> actual = new HashMap<>();
        try (ViewRunner.Running job = ViewRunner.start(OffersSettings.view(config), config);
                KafkaConsumer<byte[], byte[]> view = readCommitted(OffersContract.V1.topic())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!actual.equals(expected)
                    && System.nanoTime() < deadline
                    && job.streams().state() != KafkaStreams.State.ERROR) {
                OffersViewTopic.pollInto(view, OffersContract.V1, actual, Duration.ofMillis(500));
            }
            assertThat(job.streams().state()).isNotEqualTo(KafkaStreams.State.ERROR);
            assertThat(job.counters().deadLettered()).isEqualTo(2);
        }
        OffersViewTopic.assertSameView(actual, expected);
        assertThat(expected.keySet().stream().map(k -> k.get(2)).collect(Collectors.toSet()))
                .contains("USD", "EUR", "SEK");
        assertDeadLetters(dlq, source);
    }

    private static void publishPoison(String topic) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(
                            topic,
                            "poison".getBytes(StandardCharsets.UTF_8),
                            "not a flatbuffer at all".getBytes(StandardCharsets.UTF_8)))
                    .get();
            p.send(new ProducerRecord<>(
                            topic,
                            "SKU-000001".getBytes(StandardCharsets.UTF_8),
                            io.matstore.schemas.offers.OfferEvents.stockChanged("SKU-000001", "eu", -3)))
                    .get();
        }
    }

    private static void assertDeadLetters(String dlq, String source) {
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = readCommitted(dlq)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (dead.size() < 2 && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(dead::add);
            }
        }
        assertThat(dead).hasSize(2);
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r, DeadLetters.TOPIC)).isEqualTo(source);
            assertThat(Integer.parseInt(header(r, DeadLetters.PARTITION))).isBetween(0, PARTITIONS - 1);
            assertThat(Long.parseLong(header(r, DeadLetters.OFFSET))).isNotNegative();
        });
        assertThat(dead.stream().map(r -> header(r, DeadLetters.REASON)))
                .containsExactlyInAnyOrder("not an offers event: file identifier is not MSO1", "quantity=-3 < 0");
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<byte[], byte[]> readCommitted(String topic) {
        return OffersViewTopic.readCommitted(KAFKA.bootstrapServers(), topic);
    }
}
