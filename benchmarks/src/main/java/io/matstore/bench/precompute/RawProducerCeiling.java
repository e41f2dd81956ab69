package io.matstore.bench.precompute;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ceiling: how many records of the view's size one plain KafkaProducer loop writes per second to the same broker
 * on the same machine (kafka-producer-perf-test style), with the job's producer settings (acks=all, idempotent,
 * linger 5 ms, 256 KiB batches, one request in flight per connection, lz4 unless told otherwise). Values are real
 * envelopes taken from the view, so size and compressibility match. No transactions: what the job pays for
 * exactly-once is part of what the ratio to this ceiling shows.
 *
 * <p>One request in flight, as {@code ViewRunner} sets for the job: until 2026-12-02 the ceiling kept Kafka's
 * default of five, which favoured it, and under load its last batches of one partition sometimes stayed unsent
 * until the delivery timeout (8 of 18 runs of one engineer, the run then failing).
 */
final class RawProducerCeiling {
    private RawProducerCeiling() {}

    /** @return records per second */
    static double run(
            String bootstrap, String topic, List<byte[]> keys, List<byte[]> values, int records, String compression) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(
                        new ProducerRecord<>(topic, keys.get(i % keys.size()), values.get(i % values.size())),
                        (m, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("raw producer failed", failure.get());
        }
        return records / seconds;
    }
}
