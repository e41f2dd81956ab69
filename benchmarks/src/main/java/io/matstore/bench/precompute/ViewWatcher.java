package io.matstore.bench.precompute;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the view topic as a serving node would (read_committed) and notes, per source event, when its last response
 * became visible. The benchmark gives event {@code i} the record timestamp {@code base + i}; Kafka Streams carries the
 * timestamp to every response the event causes, so a response's timestamp names its event.
 */
final class ViewWatcher implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final long baseTimestamp;
    private final AtomicLongArray lastSeenNanos;
    private final AtomicIntegerArray responses;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong valueBytes = new AtomicLong();
    private final List<byte[]> sampleKeys = new ArrayList<>();
    private final List<byte[]> sampleValues = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    ViewWatcher(String bootstrap, String topic, int partitions, long baseTimestamp, int capacity) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        this.baseTimestamp = baseTimestamp;
        this.lastSeenNanos = new AtomicLongArray(capacity);
        this.responses = new AtomicIntegerArray(capacity);
        this.thread = new Thread(this::loop, "view-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                long now = System.nanoTime();
                int event = (int) (r.timestamp() - baseTimestamp);
                if (event >= 0 && event < responses.length()) {
                    lastSeenNanos.set(event, now);
                    responses.incrementAndGet(event);
                }
                if (r.value() != null) {
                    valueBytes.addAndGet(r.value().length);
                    synchronized (sampleValues) {
                        if (sampleValues.size() < 1000) {
                            sampleKeys.add(r.key());
                            sampleValues.add(r.value());
                        }
                    }
                }
                total.incrementAndGet();
            }
        }
        consumer.close();
    }

    long total() {
        return total.get();
    }

    long valueBytes() {
        return valueBytes.get();
    }

    int responses(int event) {
        return responses.get(event);
    }

    long lastSeenNanos(int event) {
        return lastSeenNanos.get(event);
    }

    List<byte[]> sampleKeys() {
        synchronized (sampleValues) {
            return List.copyOf(sampleKeys);
        }
    }

    List<byte[]> sampleValues() {
        synchronized (sampleValues) {
            return List.copyOf(sampleValues);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
