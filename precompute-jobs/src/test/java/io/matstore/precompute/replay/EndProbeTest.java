package io.matstore.precompute.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gap check on a real broker: commit markers and aborted records are no data, a committed record is. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EndProbeTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static void transaction(String topic, int records, boolean commit) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "probe-test-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.initTransactions();
            p.beginTransaction();
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
            if (commit) {
                p.commitTransaction();
            } else {
                p.abortTransaction();
            }
        }
    }

    @Test
    void shouldSeeOnlyMarkersAndAbortedRecordsAsAnEmptyGap() {
        String topic = "probe-" + UUID.randomUUID();
        KAFKA.createTopic(topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        transaction(topic, 3, true); // offsets 0..2, commit marker at 3
        transaction(topic, 2, false); // aborted 4..5, abort marker at 6
        long end;
        try (Admin admin = KAFKA.kafka().admin()) {
            end = Offsets.committedEnd(admin, List.of(tp)).get(tp);
        }
        assertThat(end).isEqualTo(7);

        try (EndProbe probe = new EndProbe(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            Duration timeout = Duration.ofSeconds(10);
            assertThat(probe.emptyGaps(Map.of(tp, new long[] {3, end}), timeout))
                    .as("a commit marker, two aborted records and an abort marker: nothing to wait for")
                    .containsExactly(tp);
            assertThat(probe.emptyGaps(Map.of(tp, new long[] {2, end}), timeout))
                    .as("offset 2 is a committed record still to process")
                    .isEmpty();
            assertThat(probe.emptyGaps(Map.of(), timeout)).isEmpty();
        }
    }
}
