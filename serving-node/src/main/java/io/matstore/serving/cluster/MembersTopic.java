package io.matstore.serving.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The membership topic {@code matstore.<cluster>.members}: compacted (the latest entry per node id is the state),
 * exactly one partition (one total order, so the offset of a change is a generation every node agrees on).
 * Created when missing with the broker's default replication factor.
 */
final class MembersTopic {
    private static final long TIMEOUT_SECONDS = 30;

    private MembersTopic() {}

    static TopicPartition ensure(String topic, Map<String, Object> kafka) {
        try (Admin admin = Admin.create(kafka)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                                .configs(Map.of(
                                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                                        // heartbeats pile up between compactions: roll segments often so the cleaner
                                        // can run
                                        TopicConfig.SEGMENT_MS_CONFIG, "600000",
                                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1"))))
                        .all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            TopicDescription d = describe(admin, topic);
            if (d.partitions().size() != 1) {
                throw new IllegalStateException(
                        "membership topic " + topic + " has " + d.partitions().size()
                                + " partitions; it must have exactly 1 (recreate it, or let the node create it)");
            }
            return new TopicPartition(topic, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create or describe the membership topic " + topic + " on " + kafka.get("bootstrap.servers")
                            + ": " + e,
                    e);
        }
    }

    /**
     * A topic just created reaches the broker's metadata a moment after the creation returns: describing it at once
     * was seen to fail with UnknownTopicOrPartitionException (a node starting a fresh cluster, in CI). Retries that
     * error, and only that, within the timeout.
     */
    private static TopicDescription describe(Admin admin, String topic)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeTopics(Set.of(topic))
                        .allTopicNames()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .get(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
