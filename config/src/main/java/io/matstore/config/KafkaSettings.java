package io.matstore.config;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * How every role reaches Kafka: {@code bootstrap.servers}, defined once here, and any Kafka client setting under the
 * {@code kafka.} prefix ({@code kafka.security.protocol=SASL_SSL}, {@code kafka.sasl.jaas.config=...}), which a role
 * applies to every producer, consumer, admin client and Kafka Streams client it creates. A role's own settings of a
 * client (serializers, isolation level, transactional and application ids) still win: they are what makes it
 * correct.
 */
public final class KafkaSettings {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String PREFIX = "kafka.";

    /** Set by the roles themselves: passing them through would break the role, so they are refused. */
    private static final Set<String> OWNED =
            Set.of(BOOTSTRAP_SERVERS, "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    BOOTSTRAP_SERVERS,
                    Type.LIST,
                    "127.0.0.1:9092",
                    new BootstrapServers(),
                    Importance.HIGH,
                    "Kafka brokers as host:port, comma-separated. Any reachable cluster.");

    private KafkaSettings() {}

    /** {@code kafka.<name>} for every producer, consumer and admin client setting. */
    public static SettingsFamily clients() {
        return clientsAnd(Set.of(), "");
    }

    /**
     * {@code kafka.<name>} for every producer, consumer and admin client setting and {@code extra} names (a Kafka
     * Streams role adds the Streams settings).
     */
    public static SettingsFamily clientsAnd(Set<String> extra, String extraDoc) {
        Set<String> names = new TreeSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.addAll(extra);
        names.removeAll(OWNED);
        List<String> prefixed = names.stream().map(n -> PREFIX + n).toList();
        return new ClientFamily(Set.copyOf(prefixed), extraDoc);
    }

    /** The {@code kafka.*} values with the prefix taken off: what goes into every client's properties. */
    public static Map<String, Object> clientSettings(Map<String, String> values) {
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(PREFIX)) {
                out.put(e.getKey().substring(PREFIX.length()), e.getValue());
            }
        }
        return out;
    }

    private record ClientFamily(Set<String> names, String extraDoc) implements SettingsFamily {
        @Override
        public String pattern() {
            return PREFIX + "<client setting>";
        }

        @Override
        public String doc() {
            return "Any Kafka producer, consumer or admin client setting" + extraDoc + ", prefixed with `kafka.`, "
                    + "applied to every client the role creates: security (`kafka.security.protocol`, "
                    + "`kafka.sasl.mechanism`, `kafka.sasl.jaas.config`, `kafka.ssl.truststore.location`, ...), "
                    + "timeouts, tuning. The role's own settings win where it needs them (serializers, isolation "
                    + "level, transactional and application ids); `bootstrap.servers` is its own setting. In the "
                    + "environment: `MATSTORE_KAFKA_SECURITY_PROTOCOL` and so on.";
        }

        @Override
        public Collection<String> names(Map<String, String> values) {
            return names;
        }

        @Override
        public boolean accepts(String name, Map<String, String> values) {
            return names.contains(name);
        }
    }

    /** host:port entries with a port in 1..65535. */
    static final class BootstrapServers implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> servers = (List<String>) value;
            if (servers.isEmpty()) {
                throw new ConfigException(name, value, "must name at least one host:port");
            }
            for (String s : servers) {
                int colon = s.lastIndexOf(':');
                int port = -1;
                if (colon > 0) {
                    try {
                        port = Integer.parseInt(s.substring(colon + 1));
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                }
                if (port < 1 || port > 65_535) {
                    throw new ConfigException(
                            name, value, "entry \"" + s + "\" is not host:port with port in " + "1..65535");
                }
            }
        }

        @Override
        public String toString() {
            return "host:port[,host:port...]";
        }
    }
}
