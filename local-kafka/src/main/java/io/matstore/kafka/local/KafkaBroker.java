package io.matstore.kafka.local;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * A Kafka that tests and the local stack can start, stop (keeping its log) and start again. The embedded KRaft broker
 * is the default everywhere; other providers (a Testcontainers broker where Docker exists) plug in through
 * {@link KafkaBrokerProvider}.
 */
public interface KafkaBroker extends AutoCloseable {
    /** Starts the broker, or does nothing when it runs; returns once it takes requests. */
    KafkaBroker start();

    /** Takes the broker away from its clients, keeping its data and address. */
    void stop();

    boolean isRunning();

    String bootstrapServers();

    /**
     * Settings every client of this broker needs besides {@code bootstrap.servers} (security protocol, credentials,
     * truststore); empty for a PLAINTEXT broker.
     */
    default Map<String, String> clientSettings() {
        return Map.of();
    }

    /** Creates a topic unless it exists. */
    void createTopic(String name, int partitions, Map<String, String> configs);

    /** An admin client on this broker; the caller closes it. */
    Admin admin();

    /** Stops the broker and frees what it holds. */
    @Override
    void close();
}
