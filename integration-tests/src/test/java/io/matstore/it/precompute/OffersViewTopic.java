package io.matstore.it.precompute;

import static org.assertj.core.api.Assertions.assertThat;

import com.dynatrace.hash4j.hashing.Hashing;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.schemas.offers.fb.OfferResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads an offers view topic (any version) the way a serving node would, read committed, into the reference's
 * {@link OffersReference.Offer}s, checking each envelope on the way; and compares two views key for key.
 */
public final class OffersViewTopic {
    private OffersViewTopic() {}

    /** A read_committed consumer assigned to every partition of {@code topic}, from the beginning. */
    static KafkaConsumer<byte[], byte[]> readCommitted(String bootstrapServers, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (partitions.isEmpty() && System.nanoTime() < deadline) {
            c.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c;
    }

    /** Polls once and folds what came into {@code view}. */
    static void pollInto(
            KafkaConsumer<byte[], byte[]> consumer,
            ViewDescriptor version,
            Map<List<String>, OffersReference.Offer> view,
            Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            apply(version, view, r);
        }
    }

    /** Folds one view record into {@code view}: a response replaces, a tombstone removes. */
    static void apply(
            ViewDescriptor version, Map<List<String>, OffersReference.Offer> view, ConsumerRecord<byte[], byte[]> r) {
        List<String> key = KeyCodec.decode(version, r.key());
        if (r.value() == null) {
            view.remove(key);
            return;
        }
        view.put(key, offer(version, r.key(), r.value()));
    }

    /**
     * The offer in one stored envelope, after checking the envelope: the version, its key, its content hash, and
     * v2's field present exactly from v2 on.
     */
    public static OffersReference.Offer offer(ViewDescriptor version, byte[] key, byte[] envelopeBytes) {
        ResponseEnvelope envelope = ResponseEnvelopes.open(envelopeBytes);
        assertThat(envelope.viewVersion()).isEqualTo(version.version());
        byte[] envelopeKey = new byte[envelope.keyLength()];
        envelope.keyAsByteBuffer().get(envelopeKey);
        assertThat(envelopeKey).isEqualTo(key);
        byte[] bytes = ResponseEnvelopes.responseBytes(envelope);
        assertThat(envelope.contentHash()).isEqualTo(Hashing.xxh3_64().hashBytesToLong(bytes));
        OfferResponse o = OfferResponse.getRootAsOfferResponse(ByteBuffer.wrap(bytes));
        assertThat(o.hasListPriceMinor())
                .as("list_price_minor is present exactly from v2 on")
                .isEqualTo(version.version() >= 2);
        return new OffersReference.Offer(
                o.sku(),
                o.region(),
                o.currency(),
                o.tier(),
                o.title(),
                o.category(),
                o.priceMinor(),
                o.minorUnits(),
                o.promoId(),
                o.percentOff(),
                o.quantity(),
                o.inStock(),
                o.listPriceMinor());
    }

    /** Equal views, with a message that names missing, extra and differing keys first. */
    public static void assertSameView(
            Map<List<String>, OffersReference.Offer> actual, Map<List<String>, OffersReference.Offer> expected) {
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
        assertThat(missing)
                .as("keys missing from the view (of %d)", expected.size())
                .isEmpty();
        assertThat(extra).as("keys the view should not have").isEmpty();
        assertThat(different).as("responses that differ from the reference").isEmpty();
        assertThat(actual).isEqualTo(expected);
    }
}
