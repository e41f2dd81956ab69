package io.matstore.precompute;

import io.matstore.precompute.offers.OffersView;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.offers.OffersContract;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the precompute commands. Each is defined once in {@link #DEFINITION} (name, type, default, validator,
 * doc); {@code precompute config-docs} prints the same definitions. Sources, later ones winning: defaults, a
 * {@code .properties} file, environment variables {@code MATSTORE_<NAME>} (upper case, dots as underscores, e.g.
 * {@code MATSTORE_BOOTSTRAP_SERVERS}), explicit overrides. Everything is validated when loaded; a bad value fails with
 * a message naming the setting, the value and the limit. Unknown keys in the file are refused, so a typo is not
 * silently ignored.
 */
public final class PrecomputeConfig extends AbstractConfig {
    public static final String ENV_PREFIX = "MATSTORE_";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SOURCE_TOPIC = "source.topic";
    public static final String DEAD_LETTER_TOPIC = "dead.letter.topic";
    public static final String REGIONS = "regions";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String REPLICATION_FACTOR = "replication.factor";
    public static final String STATE_DIR = "state.dir";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String VIEW_VERSION = "view.version";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    /** {@link #HTTP_PORT} value that runs no ops endpoint. */
    public static final int HTTP_PORT_NONE = -1;

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, "127.0.0.1:9092", new BootstrapServers(), Importance.HIGH,
                    "Kafka brokers as host:port, comma-separated. Any reachable cluster.")
            .define(SOURCE_TOPIC, Type.STRING, OffersView.DEFAULT_SOURCE_TOPIC, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Topic of the offers source events (FlatBuffers OfferEvent values).")
            .define(DEAD_LETTER_TOPIC, Type.STRING, OffersView.DEFAULT_SOURCE_TOPIC + ".dlq",
                    new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Where rejected source events go, unchanged, with matstore.dlq.* headers.")
            .define(REGIONS, Type.LIST, String.join(",", OffersView.DEFAULT_REGIONS), new Regions(), Importance.HIGH,
                    "The region dimension of the offers parameter space, comma-separated, distinct.")
            .define(TOPIC_PARTITIONS, Type.INT, 4, Range.between(1, 1024), Importance.MEDIUM,
                    "Partitions of the source, dead-letter and view topics when the job creates them. The job's "
                            + "parallelism is the source topic's partition count.")
            .define(REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.between(1, 32), Importance.MEDIUM,
                    "Replication factor of topics the job creates, internal topics included (1 on one broker).")
            .define(STATE_DIR, Type.STRING, Path.of(System.getProperty("java.io.tmpdir"), "matstore-precompute")
                    .toString(), new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Directory of the job's RocksDB state stores.")
            .define(NUM_STREAM_THREADS, Type.INT, 1, Range.between(1, 64), Importance.MEDIUM,
                    "Stream threads of this instance; more instances share partitions on their own.")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 100L, Range.between(10L, 60_000L), Importance.MEDIUM,
                    "Transaction commit interval (exactly_once_v2): the floor of end-to-end delay.")
            .define(VIEW_VERSION, Type.INT, 1, new ViewVersion(), Importance.HIGH,
                    "Version of the offers view to run: its logic, response schema, application id "
                            + "(matstore-view-offers-v<N>) and view topic (view.offers.v<N>).")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Address the ops endpoint (/metrics /healthz /readyz) binds to; 0.0.0.0 for every interface.")
            .define(HTTP_PORT, Type.INT, 8070, Range.between(HTTP_PORT_NONE, 65_535), Importance.MEDIUM,
                    "Port of the ops endpoint; 0 = a free port (printed at start), -1 = no endpoint.");

    private PrecomputeConfig(Map<String, String> values) {
        super(DEFINITION, values, false);
    }

    /**
     * @param file       a {@code .properties} file, or {@code null}
     * @param env        the environment ({@code System.getenv()})
     * @param overrides  settings given on the command line
     * @throws ConfigException naming the setting, value and limit
     */
    public static PrecomputeConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        if (file != null) {
            values.putAll(readFile(file));
        }
        for (String name : DEFINITION.names()) {
            String v = env.get(envName(name));
            if (v != null) {
                values.put(name, v);
            }
        }
        for (String name : overrides.keySet()) {
            requireKnown(name, "override");
        }
        values.putAll(overrides);
        return new PrecomputeConfig(values);
    }

    public static PrecomputeConfig defaults() {
        return load(null, Map.of(), Map.of());
    }

    /** {@code bootstrap.servers} → {@code MATSTORE_BOOTSTRAP_SERVERS}. */
    public static String envName(String setting) {
        return ENV_PREFIX + setting.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS));
    }

    public String sourceTopic() {
        return getString(SOURCE_TOPIC);
    }

    public String deadLetterTopic() {
        return getString(DEAD_LETTER_TOPIC);
    }

    public List<String> regions() {
        return getList(REGIONS);
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS);
    }

    public short replicationFactor() {
        return getShort(REPLICATION_FACTOR);
    }

    public String stateDir() {
        return getString(STATE_DIR);
    }

    public int numStreamThreads() {
        return getInt(NUM_STREAM_THREADS);
    }

    public long commitIntervalMs() {
        return getLong(COMMIT_INTERVAL_MS);
    }

    public int viewVersion() {
        return getInt(VIEW_VERSION);
    }

    public String httpHost() {
        return getString(HTTP_HOST);
    }

    /** The ops endpoint's port: 0 = a free port, {@link #HTTP_PORT_NONE} = no endpoint. */
    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    /** The offers view at {@link #viewVersion()}. */
    public OffersView offersView() {
        return new OffersView(sourceTopic(), regions(), viewVersion());
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            requireKnown(name, "file " + file);
            values.put(name, p.getProperty(name).trim());
        }
        return values;
    }

    private static void requireKnown(String name, String source) {
        if (!DEFINITION.names().contains(name)) {
            throw new ConfigException("unknown setting \"" + name + "\" in " + source + "; known settings: "
                    + new TreeSet<>(DEFINITION.names()));
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
                    throw new ConfigException(name, value, "entry \"" + s + "\" is not host:port with port in "
                            + "1..65535");
                }
            }
        }

        @Override
        public String toString() {
            return "host:port[,host:port...]";
        }
    }

    /** A version the offers view has. */
    static final class ViewVersion implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || !OffersContract.versionNumbers().contains((Integer) value)) {
                throw new ConfigException(name, value, "the offers view has versions "
                        + OffersContract.versionNumbers());
            }
        }

        @Override
        public String toString() {
            return "one of " + OffersContract.versionNumbers();
        }
    }

    /** Non-empty list of distinct, non-empty regions of at most {@link KeyCodec#MAX_VALUE_BYTES} UTF-8 bytes. */
    static final class Regions implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> regions = (List<String>) value;
            if (regions.isEmpty()) {
                throw new ConfigException(name, value, "must name at least one region");
            }
            HashSet<String> seen = new HashSet<>();
            for (String r : regions) {
                if (r.isEmpty()) {
                    throw new ConfigException(name, value, "a region is empty");
                }
                int bytes = r.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > KeyCodec.MAX_VALUE_BYTES) {
                    throw new ConfigException(name, value, "region of " + bytes + " bytes > MAX_VALUE_BYTES="
                            + KeyCodec.MAX_VALUE_BYTES);
                }
                if (!seen.add(r)) {
                    throw new ConfigException(name, value, "region \"" + r + "\" is listed twice");
                }
            }
        }

        @Override
        public String toString() {
            return "non-empty list of distinct regions";
        }
    }
}
