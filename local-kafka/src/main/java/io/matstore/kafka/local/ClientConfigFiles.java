package io.matstore.kafka.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The two files through which other programs reach a secured {@link EmbeddedKafka}, written into its data directory
 * by {@code matstore local-kafka --sasl-ssl}:
 * <ul>
 *   <li>{@value #CLIENT_PROPERTIES}: plain Kafka client keys, {@code bootstrap.servers} and the security settings of
 *       {@link EmbeddedKafka#clientSettings()}; for Kafka's tools ({@code --command-config}) or any client.</li>
 *   <li>{@value #MATSTORE_PROPERTIES}: {@code bootstrap.servers} and the same security settings each prefixed with
 *       {@value #KAFKA_PREFIX}, for {@code bin/matstore <role> -c}. The bootstrap servers appear once, unprefixed,
 *       as every matstore role reads them.</li>
 * </ul>
 * Both hold the user's password and the truststore's path, so they are rewritten on every start and readable by the
 * owner only.
 */
public record ClientConfigFiles(Path clientProperties, Path matstoreProperties) {
    public static final String CLIENT_PROPERTIES = "client.properties";
    public static final String MATSTORE_PROPERTIES = "matstore.properties";
    public static final String KAFKA_PREFIX = "kafka.";

    /** Writes both files for {@code kafka}'s own user into its data directory. */
    public static ClientConfigFiles write(EmbeddedKafka kafka) {
        Map<String, String> security = kafka.clientSettings();
        Map<String, String> client = new HashMap<>();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        Map<String, String> matstore = new HashMap<>();
        matstore.put("bootstrap.servers", kafka.bootstrapServers());
        for (Map.Entry<String, String> e : security.entrySet()) {
            client.put(e.getKey(), e.getValue());
            matstore.put(KAFKA_PREFIX + e.getKey(), e.getValue());
        }
        ClientConfigFiles files = new ClientConfigFiles(
                kafka.dataDir().resolve(CLIENT_PROPERTIES), kafka.dataDir().resolve(MATSTORE_PROPERTIES));
        try {
            PrivateFiles.writeProperties(
                    files.clientProperties(),
                    client,
                    "Kafka client settings for the local Kafka; e.g. kafka-topics.sh --command-config");
            PrivateFiles.writeProperties(
                    files.matstoreProperties(),
                    matstore,
                    "matstore settings for the local Kafka; e.g. bin/matstore <role> -c");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write client settings into " + kafka.dataDir(), e);
        }
        return files;
    }
}
