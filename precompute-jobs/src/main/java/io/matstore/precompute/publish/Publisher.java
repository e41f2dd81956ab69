package io.matstore.precompute.publish;

import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.SourceEventFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes a JSON-lines file of source events ({@link SourceEventFormat}) to the source topic, all or nothing: the whole file is validated
 * first (every bad line reported with its number and field), then sent in one Kafka transaction, so a consumer
 * reading committed data (the job does) sees either every event of the file or none. Blank lines are skipped.
 */
public final class Publisher {
    /** Errors listed in full; the rest are counted. */
    static final int MAX_LISTED_ERRORS = 20;

    private Publisher() {}

    /** @return the number of events sent */
    public static <E> long publish(
            SourceEventFormat<E> format, PrecomputeConfig config, String topic, Path file, Progress progress)
            throws IOException, EventFileException {
        long events = validate(format, file);
        Map<String, Object> props = config.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "matstore-publish-" + UUID.randomUUID());
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 900_000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
                BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            producer.initTransactions();
            producer.beginTransaction();
            try {
                long sent = 0;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    SourceEventFormat.Record e = format.encode(parseValidated(format, line));
                    producer.send(new ProducerRecord<>(topic, e.key(), e.value()));
                    progress.update(++sent, events);
                }
                producer.commitTransaction();
                return sent;
            } catch (IOException | RuntimeException e) {
                producer.abortTransaction();
                throw e;
            }
        }
    }

    /**
     * Checks every line.
     *
     * @return the number of events in the file
     * @throws EventFileException listing the first {@value #MAX_LISTED_ERRORS} bad lines
     */
    public static long validate(SourceEventFormat<?> format, Path file) throws IOException, EventFileException {
        List<String> errors = new ArrayList<>();
        long errorCount = 0;
        long events = 0;
        long lineNumber = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    format.parse(line);
                    events++;
                } catch (InvalidEventException e) {
                    errorCount++;
                    if (errors.size() < MAX_LISTED_ERRORS) {
                        errors.add("line " + lineNumber + ": " + e.getMessage());
                    }
                }
            }
        }
        if (errorCount > 0) {
            throw new EventFileException(file.toString(), errors, errorCount);
        }
        return events;
    }

    private static <E> E parseValidated(SourceEventFormat<E> format, String line) {
        try {
            return format.parse(line);
        } catch (InvalidEventException e) {
            throw new IllegalStateException("the file changed while it was being published: " + e.getMessage(), e);
        }
    }
}
