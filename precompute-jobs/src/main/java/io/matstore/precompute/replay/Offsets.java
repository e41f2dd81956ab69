package io.matstore.precompute.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/** The few Admin reads a replay needs, each bounded by a timeout and failing with the broker's cause. */
final class Offsets {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Offsets() {}

    static List<TopicPartition> partitions(Admin admin, Collection<String> topics) {
        Map<String, TopicDescription> described =
                get(admin.describeTopics(topics).allTopicNames(), "describe topics " + topics);
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            for (TopicPartitionInfo p : described.get(topic).partitions()) {
                out.add(new TopicPartition(topic, p.partition()));
            }
        }
        return out;
    }

    /**
     * End offsets as a read_committed consumer sees them (the last stable offset): a record below it is decided,
     * so a job reading read_committed can always get past it.
     */
    static Map<TopicPartition, Long> committedEnd(Admin admin, Collection<TopicPartition> partitions) {
        return list(admin, partitions, OffsetSpec.latest());
    }

    static Map<TopicPartition, Long> earliest(Admin admin, Collection<TopicPartition> partitions) {
        return list(admin, partitions, OffsetSpec.earliest());
    }

    /** The first offset at or after {@code epochMillis}, or -1 where the partition has no such record. */
    static Map<TopicPartition, Long> forTimestamp(
            Admin admin, Collection<TopicPartition> partitions, long epochMillis) {
        return list(admin, partitions, OffsetSpec.forTimestamp(epochMillis));
    }

    /** The group's committed offsets; partitions without one are absent. */
    static Map<TopicPartition, Long> committed(Admin admin, String groupId) {
        Map<TopicPartition, OffsetAndMetadata> offsets = get(
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
                "read the committed offsets of group " + groupId);
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    static void setCommitted(Admin admin, String groupId, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> request = new HashMap<>();
        offsets.forEach((tp, offset) -> request.put(tp, new OffsetAndMetadata(offset)));
        get(admin.alterConsumerGroupOffsets(groupId, request).all(), "set the offsets of group " + groupId);
    }

    private static Map<TopicPartition, Long> list(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicPartition tp : partitions) {
            request.put(tp, spec);
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = get(
                admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all(),
                "list offsets of " + partitions);
        Map<TopicPartition, Long> out = new HashMap<>();
        result.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": no answer in " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }
}
