package io.matstore.precompute.replay;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Tells whether a gap {@code [from, end)} of a partition holds any committed record. The gap between a group's
 * committed offset and an end offset can hold nothing but transaction markers and aborted records: a read_committed
 * job never receives them, so it may never commit past them, and comparing offsets alone would wait forever.
 *
 * <p>A consumer without a group (it commits nothing), read_committed, small fetches. Used by one thread.
 */
final class EndProbe implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;

    /** @param client the role's client properties (bootstrap servers, security); the probe's own settings win */
    EndProbe(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 256 * 1024);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "matstore-replay-probe");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * @param gaps per partition {@code {from, end}}
     * @return the partitions whose gap has no committed record; a partition not decided within {@code timeout}
     *         counts as not empty (asked again later)
     */
    Set<TopicPartition> emptyGaps(Map<TopicPartition, long[]> gaps, Duration timeout) {
        Set<TopicPartition> empty = new HashSet<>();
        if (gaps.isEmpty()) {
            return empty;
        }
        consumer.assign(gaps.keySet());
        gaps.forEach((tp, gap) -> consumer.seek(tp, gap[0]));
        Set<TopicPartition> undecided = new HashSet<>(gaps.keySet());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!undecided.isEmpty() && System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            for (TopicPartition tp : Set.copyOf(undecided)) {
                long end = gaps.get(tp)[1];
                List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
                if (!rs.isEmpty()) {
                    undecided.remove(tp);
                    if (rs.get(0).offset() >= end) {
                        empty.add(tp);
                    }
                } else if (consumer.position(tp) >= end) {
                    undecided.remove(tp);
                    empty.add(tp);
                }
            }
        }
        consumer.assign(List.of());
        return empty;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
