package io.matstore.store.internal;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer interceptor (configured through the store's consumer settings, as an operator could) that throws a
 * chosen {@link Error} out of the ingest consumer's poll once, then passes records through. Kafka's interceptor chain
 * catches exceptions, not errors, so the error reaches the ingest loop as it would from the client itself.
 */
public final class ErrorThrowingInterceptor implements ConsumerInterceptor<byte[], byte[]> {
    static final AtomicReference<Error> NEXT = new AtomicReference<>();

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        if (!records.isEmpty()) {
            Error e = NEXT.getAndSet(null);
            if (e != null) {
                throw e;
            }
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
}
