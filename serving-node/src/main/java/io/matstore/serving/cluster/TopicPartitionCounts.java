package io.matstore.serving.cluster;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partition counts of view topics, read once per topic with an admin client and kept (a view topic's partition
 * count is fixed for its life: adding partitions would move keys). Unknown (0) until a describe succeeds; retried
 * on the next call. Called off the request path only.
 */
public final class TopicPartitionCounts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicPartitionCounts.class);

    private final Admin admin;
    private final Map<String, Integer> known = new ConcurrentHashMap<>();

    public TopicPartitionCounts(Map<String, Object> kafka) {
        this.admin = Admin.create(kafka);
    }

    /** The partition count of {@code topic}, or 0 when it cannot be read now. */
    public int partitions(String topic) {
        Integer n = known.get(topic);
        if (n != null) {
            return n;
        }
        try {
            int count = admin.describeTopics(Set.of(topic))
                    .allTopicNames()
                    .get(5, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .size();
            known.put(topic, count);
            return count;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            LOG.debug("partition count of {} unknown for now: {}", topic, e.toString());
            return 0;
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
