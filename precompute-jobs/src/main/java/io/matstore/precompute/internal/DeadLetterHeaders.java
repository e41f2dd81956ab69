package io.matstore.precompute.internal;

import io.matstore.precompute.DeadLetters;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** The {@link DeadLetters} headers of a rejected record, shared by the steps that reject (validate and compute). */
final class DeadLetterHeaders {
    private DeadLetterHeaders() {}

    /**
     * @param original the record's own headers, kept (a stale reason or source from an earlier rejection is replaced)
     * @param source   where the rejecting step read the record, or null when unknown
     */
    static Headers of(Headers original, String reason, RecordMetadata source) {
        String topic = source == null ? "" : source.topic();
        String partition = source == null ? "" : Integer.toString(source.partition());
        String offset = source == null ? "" : Long.toString(source.offset());
        Headers headers = new RecordHeaders(original.toArray());
        headers.remove(DeadLetters.REASON)
                .remove(DeadLetters.TOPIC)
                .remove(DeadLetters.PARTITION)
                .remove(DeadLetters.OFFSET);
        return headers.add(DeadLetters.REASON, reason.getBytes(StandardCharsets.UTF_8))
                .add(DeadLetters.TOPIC, topic.getBytes(StandardCharsets.UTF_8))
                .add(DeadLetters.PARTITION, partition.getBytes(StandardCharsets.UTF_8))
                .add(DeadLetters.OFFSET, offset.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a record the compute step forwards is a dead letter rather than a response or tombstone. */
    static boolean isDeadLetter(Headers headers) {
        return headers.lastHeader(DeadLetters.REASON) != null;
    }
}
