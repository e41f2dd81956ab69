package io.matstore.it.precompute;

import static org.assertj.core.api.Assertions.assertThat;

import com.dynatrace.hash4j.hashing.Hashing;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.DeadLetters;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.demo.DemoEventGenerator;
import io.matstore.precompute.offers.OffersEvent;
import io.matstore.precompute.offers.OffersView;
import io.matstore.precompute.publish.OffersJson;
import io.matstore.precompute.publish.Progress;
import io.matstore.precompute.publish.Publisher;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.schemas.offers.OffersContract;
import io.matstore.schemas.offers.fb.OfferResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
        DemoEventGenerator generator = new DemoEventGenerator(2_000, REGIONS, 20_261_123L, new DemoEventGenerator.Mix(4, 150));
        List<OffersEvent> events = new ArrayList<>();
        generator.catalogue(events::add);
        for (int i = 0; i < 4_000; i++) {
            events.add(generator.next());
        }
        events.add(new OffersEvent.FxRateChanged("SEK", 10_500_000L, 2)); // a currency new to the space
        Path file = dir.resolve("events.jsonl");
        Files.write(file, events.stream().map(OffersJson::format).toList(), StandardCharsets.UTF_8);
        assertThat(events).filteredOn(e -> e instanceof OffersEvent.ProductDeleted).hasSizeGreaterThan(50);
        assertThat(events).filteredOn(e -> e instanceof OffersEvent.FxRateChanged).hasSizeGreaterThan(10);
        assertThat(events).filteredOn(e -> e instanceof OffersEvent.PromotionUpserted).hasSizeGreaterThan(200);

        PrecomputeConfig config = PrecomputeConfig.load(null, Map.of(), Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC, source,
                PrecomputeConfig.DEAD_LETTER_TOPIC, dlq,
                PrecomputeConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS),
                PrecomputeConfig.STATE_DIR, dir.resolve("state").toString()));
        assertThat(Publisher.publish(config, source, file, Progress.NONE)).isEqualTo(events.size());
        publishPoison(source);

        OffersReference reference = new OffersReference(REGIONS);
        events.forEach(reference::apply);
        Map<List<String>, OffersReference.Offer> expected = reference.responses();
        assertThat(expected).as("products x 4 regions x currencies x 2 tiers").hasSizeGreaterThan(50_000);

        Map<List<String>, OffersReference.Offer> actual = new HashMap<>();
        try (ViewRunner.Running job = ViewRunner.start(config.offersView(), config);
             KafkaConsumer<byte[], byte[]> view = readCommitted(OffersContract.V1.topic())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!actual.equals(expected) && System.nanoTime() < deadline
                    && job.streams().state() != KafkaStreams.State.ERROR) {
                for (ConsumerRecord<byte[], byte[]> r : view.poll(Duration.ofMillis(500))) {
                    apply(actual, r);
                }
            }
            assertThat(job.streams().state()).isNotEqualTo(KafkaStreams.State.ERROR);
            assertThat(job.counters().deadLettered()).isEqualTo(2);
        }
        assertSameView(actual, expected);
        assertThat(expected.keySet().stream().map(k -> k.get(2)).collect(Collectors.toSet()))
                .contains("USD", "EUR", "SEK");
        assertDeadLetters(dlq, source);
    }

    private static void publishPoison(String topic) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, "poison".getBytes(StandardCharsets.UTF_8),
                    "not a flatbuffer at all".getBytes(StandardCharsets.UTF_8))).get();
            p.send(new ProducerRecord<>(topic, "SKU-000001".getBytes(StandardCharsets.UTF_8),
                    io.matstore.schemas.offers.OfferEvents.stockChanged("SKU-000001", "eu", -3))).get();
        }
    }

    private static void apply(Map<List<String>, OffersReference.Offer> view, ConsumerRecord<byte[], byte[]> r) {
        List<String> key = KeyCodec.decode(OffersContract.V1, r.key());
        if (r.value() == null) {
            view.remove(key);
            return;
        }
        ResponseEnvelope envelope = ResponseEnvelopes.open(r.value());
        byte[] envelopeKey = new byte[envelope.keyLength()];
        envelope.keyAsByteBuffer().get(envelopeKey);
        assertThat(envelopeKey).isEqualTo(r.key());
        byte[] bytes = ResponseEnvelopes.responseBytes(envelope);
        assertThat(envelope.contentHash()).isEqualTo(Hashing.xxh3_64().hashBytesToLong(bytes));
        OfferResponse o = OfferResponse.getRootAsOfferResponse(ByteBuffer.wrap(bytes));
        view.put(key, new OffersReference.Offer(o.sku(), o.region(), o.currency(), o.tier(), o.title(),
                o.category(), o.priceMinor(), o.minorUnits(), o.promoId(), o.percentOff(), o.quantity(),
                o.inStock()));
    }

    private static void assertSameView(Map<List<String>, OffersReference.Offer> actual,
                                       Map<List<String>, OffersReference.Offer> expected) {
        Set<List<String>> missing = new HashSet<>(expected.keySet());
        missing.removeAll(actual.keySet());
        Set<List<String>> extra = new HashSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        List<String> different = new ArrayList<>();
        for (Map.Entry<List<String>, OffersReference.Offer> e : expected.entrySet()) {
            OffersReference.Offer a = actual.get(e.getKey());
            if (a != null && !a.equals(e.getValue()) && different.size() < 5) {
                different.add("expected " + e.getValue() + " but was " + a);
            }
        }
        assertThat(missing).as("keys missing from the view (of %d)", expected.size()).isEmpty();
        assertThat(extra).as("keys the view should not have").isEmpty();
        assertThat(different).as("responses that differ from the reference").isEmpty();
        assertThat(actual).isEqualTo(expected);
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
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (partitions.isEmpty() && System.nanoTime() < deadline) {
            c.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c;
    }

}
