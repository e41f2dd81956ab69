package io.matstore.precompute;

import io.matstore.config.KafkaSettings;
import io.matstore.config.SettingsFamily;
import io.matstore.config.SettingsSchema;
import io.matstore.config.SettingsSources;
import io.matstore.schemas.KeyCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings of the precompute commands. Each is defined once in {@link #DEFINITION} (name, type, default, validator,
 * doc); {@code bootstrap.servers} comes from {@link KafkaSettings}, and any Kafka client or Streams setting may be
 * given as {@code kafka.<name>} ({@link #SCHEMA}). Sources and precedence are every role's ({@link SettingsSources}):
 * defaults, {@code .properties} files, environment variables {@code MATSTORE_<NAME>}, explicit overrides. Everything
 * is validated when loaded; a bad value fails with a message naming the setting, the value and the limit, and an
 * unknown name with the closest known one.
 *
 * <p>Each view on the class path adds its own settings as {@code view.<name>.<setting>} ({@link ViewFactory#settings()});
 * this class names no view. The settings views had before they were namespaced ({@link #DEPRECATED_VIEW_SETTINGS})
 * still work, with a warning, for every view that defines a setting of that name.
 */
public final class PrecomputeConfig extends AbstractConfig {
    public static final String BOOTSTRAP_SERVERS = KafkaSettings.BOOTSTRAP_SERVERS;
    public static final String SOURCE_TOPIC = "source.topic";
    public static final String DEAD_LETTER_TOPIC = "dead.letter.topic";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String REPLICATION_FACTOR = "replication.factor";
    public static final String STATE_DIR = "state.dir";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String VIEW_VERSION = "view.version";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String VIEW_MAX_RESPONSE_BYTES = "view.max.response.bytes";
    public static final String VIEW_MAX_DELETE_SHARE = "view.max.delete.share";
    public static final String VIEW_DELETE_HOLD_MIN_KEYS = "view.delete.hold.min.keys";
    /** Former job-wide names of settings now defined by each view; given alone, they set every view's. */
    public static final Set<String> DEPRECATED_VIEW_SETTINGS =
            Set.of("regions", "event.max.string.bytes", "fx.max.change.factor");
    /** {@link #HTTP_PORT} value that runs no ops endpoint. */
    public static final int HTTP_PORT_NONE = -1;

    /** The views on the class path, whose own settings this configuration accepts. */
    private static final ViewFactories VIEWS = ViewFactories.discover();

    /** The job's own settings. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    SOURCE_TOPIC,
                    Type.STRING,
                    "offers.events",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Topic of the source events (FlatBuffers OfferEvent values) the views read.")
            .define(
                    DEAD_LETTER_TOPIC,
                    Type.STRING,
                    "offers.events.dlq",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Where rejected source events go, unchanged, with matstore.dlq.* headers.")
            .define(
                    TOPIC_PARTITIONS,
                    Type.INT,
                    4,
                    Range.between(1, 1024),
                    Importance.MEDIUM,
                    "Partitions of the source, dead-letter and view topics when the job creates them. The job's "
                            + "parallelism is the source topic's partition count.")
            .define(
                    REPLICATION_FACTOR,
                    Type.SHORT,
                    (short) 1,
                    Range.between(1, 32),
                    Importance.MEDIUM,
                    "Replication factor of topics the job creates, internal topics included (1 on one broker).")
            .define(
                    STATE_DIR,
                    Type.STRING,
                    Path.of(System.getProperty("java.io.tmpdir"), "matstore-precompute")
                            .toString(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Directory of the job's RocksDB state stores.")
            .define(
                    NUM_STREAM_THREADS,
                    Type.INT,
                    1,
                    Range.between(1, 64),
                    Importance.MEDIUM,
                    "Stream threads of this instance; more instances share partitions on their own.")
            .define(
                    COMMIT_INTERVAL_MS,
                    Type.LONG,
                    100L,
                    Range.between(10L, 60_000L),
                    Importance.MEDIUM,
                    "Transaction commit interval (exactly_once_v2): the floor of end-to-end delay.")
            .define(
                    VIEW_VERSION,
                    Type.INT,
                    1,
                    Range.atLeast(1),
                    Importance.HIGH,
                    "Version of the view to run (`--view`): its logic, response schema, application id "
                            + "(matstore-view-<name>-v<N>) and view topic (view.<name>.v<N>). A version the view"
                            + " does not have is refused at start, naming the versions it has.")
            .define(
                    HTTP_HOST,
                    Type.STRING,
                    "127.0.0.1",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Address the ops endpoint (/metrics /healthz /readyz) binds to; 0.0.0.0 for every interface.")
            .define(
                    HTTP_PORT,
                    Type.INT,
                    8070,
                    Range.between(HTTP_PORT_NONE, 65_535),
                    Importance.MEDIUM,
                    "Port of the ops endpoint; 0 = a free port (printed at start), -1 = no endpoint.")
            .define(
                    VIEW_MAX_RESPONSE_BYTES,
                    Type.INT,
                    FanOutLimits.DEFAULT_MAX_RESPONSE_BYTES,
                    Range.between(1, 64 << 20),
                    Importance.MEDIUM,
                    "Largest response a view may write (its own"
                            + " bytes, before the envelope). A larger one is not written (its key keeps its last"
                            + " response) and the event is dead-lettered with the size and this limit in the reason,"
                            + " counted (matstore_precompute_responses_too_large_total). Keep it under the view"
                            + " topic's max.message.bytes.")
            .define(
                    VIEW_MAX_DELETE_SHARE,
                    Type.DOUBLE,
                    FanOutLimits.DEFAULT_MAX_DELETE_SHARE,
                    new ShareRange(),
                    Importance.MEDIUM,
                    "Largest share of a task's keys (one partition of the"
                            + " view) that one event may delete. An event whose tombstones would pass it (and "
                            + VIEW_DELETE_HOLD_MIN_KEYS + ") is held: none of its tombstones is written, it is"
                            + " dead-lettered with the reason and counted (matstore_precompute_held_total). 1.0 turns"
                            + " the check off.")
            .define(
                    VIEW_DELETE_HOLD_MIN_KEYS,
                    Type.INT,
                    FanOutLimits.DEFAULT_DELETE_HOLD_MIN_KEYS,
                    Range.atLeast(0),
                    Importance.LOW,
                    "An event that deletes at most this many keys of a task is" + " never held by "
                            + VIEW_MAX_DELETE_SHARE + ", whatever their share (a small view).");

    /** Every setting the precompute commands accept: Kafka, the job's own, and {@code kafka.*} pass-through. */
    public static final SettingsSchema SCHEMA = schema();

    private static final Logger LOG = LoggerFactory.getLogger(PrecomputeConfig.class);
    private static final ConfigDef ALL = new ConfigDef(KafkaSettings.DEFINITION);

    static {
        DEFINITION.configKeys().values().forEach(ALL::define);
        for (ViewFactory view : VIEWS.factories()) {
            ViewSettingsFamily.prefixed(view).configKeys().values().forEach(ALL::define);
        }
    }

    private final Map<String, Object> kafkaClientSettings;

    private PrecomputeConfig(Map<String, String> values) {
        super(ALL, withDeprecatedNames(values), false);
        this.kafkaClientSettings = Map.copyOf(KafkaSettings.clientSettings(values));
    }

    /** {@code values} with each deprecated name copied to every view setting of that name not given itself. */
    private static Map<String, String> withDeprecatedNames(Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>(values);
        for (String old : DEPRECATED_VIEW_SETTINGS) {
            String value = out.remove(old);
            if (value == null) {
                continue;
            }
            List<String> targets = new ArrayList<>();
            for (ViewFactory view : VIEWS.factories()) {
                if (view.settings().names().contains(old)) {
                    String name = ViewSettingsFamily.prefix(view) + old;
                    targets.add(name);
                    out.putIfAbsent(name, value);
                }
            }
            LOG.warn("setting {} is deprecated: it is now a setting of each view, {}", old, targets);
        }
        return out;
    }

    /**
     * @param files      {@code .properties} files, later ones winning
     * @param env        the environment ({@code System.getenv()})
     * @param overrides  settings given on the command line
     * @throws ConfigException naming the setting, value and limit, or an unknown setting
     */
    public static PrecomputeConfig load(List<Path> files, Map<String, String> env, Map<String, String> overrides) {
        return new PrecomputeConfig(SettingsSources.load(SCHEMA, files, env, overrides));
    }

    /** Defaults and {@code settings}: for code that starts a job itself (the local stack, tests). */
    public static PrecomputeConfig of(Map<String, String> settings) {
        return load(List.of(), Map.of(), settings);
    }

    public static PrecomputeConfig defaults() {
        return of(Map.of());
    }

    private static SettingsSchema schema() {
        SettingsSchema.Builder schema = SettingsSchema.of("precompute")
                .section("Kafka", KafkaSettings.DEFINITION)
                .section("Precompute job", DEFINITION)
                .family(
                        KafkaSettings.clientsAnd(
                                streamsNames(),
                                ", Kafka Streams setting, or a client setting under"
                                        + " a Streams prefix (`kafka.producer.linger.ms`, `kafka.main.consumer.fetch.max.bytes`, ...)"));
        for (ViewFactory view : VIEWS.factories()) {
            schema.family(new ViewSettingsFamily(view));
        }
        return schema.family(new DeprecatedViewSettings()).build();
    }

    /** Kafka Streams' own settings, and client settings under the prefixes Streams routes to one kind of client. */
    private static Set<String> streamsNames() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        for (String n : ProducerConfig.configNames()) {
            names.add(StreamsConfig.producerPrefix(n));
        }
        for (String n : ConsumerConfig.configNames()) {
            names.add(StreamsConfig.consumerPrefix(n));
            names.add(StreamsConfig.mainConsumerPrefix(n));
            names.add(StreamsConfig.restoreConsumerPrefix(n));
            names.add(StreamsConfig.globalConsumerPrefix(n));
        }
        for (String n : AdminClientConfig.configNames()) {
            names.add(StreamsConfig.adminClientPrefix(n));
        }
        return names;
    }

    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS));
    }

    /**
     * The {@code kafka.*} settings without their prefix, for every client the job creates (security, tuning); the
     * job's own settings of a client are applied after them and win.
     */
    public Map<String, Object> kafkaClientSettings() {
        return kafkaClientSettings;
    }

    /**
     * Properties to start a Kafka client with: the {@code kafka.*} settings and {@code bootstrap.servers}. The
     * caller puts its own settings of the client after these, so they win.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new HashMap<>(kafkaClientSettings);
        p.put(BOOTSTRAP_SERVERS, bootstrapServers());
        return p;
    }

    public String sourceTopic() {
        return getString(SOURCE_TOPIC);
    }

    public String deadLetterTopic() {
        return getString(DEAD_LETTER_TOPIC);
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

    /**
     * The settings of view {@code view} ({@code view.<name>.<setting>}), parsed and validated, by their names without
     * the prefix: the view's {@link ViewFactory#settings()} read back.
     *
     * @throws IllegalArgumentException when no view of that name is on the class path
     */
    public AbstractConfig viewSettings(String view) {
        ViewFactory factory = VIEWS.find(view);
        if (factory == null) {
            throw new IllegalArgumentException(
                    "no view named " + view + " on the class path; views present: " + VIEWS.names());
        }
        Map<String, Object> own = new HashMap<>();
        String prefix = ViewSettingsFamily.prefix(factory);
        for (String name : factory.settings().names()) {
            own.put(name, get(prefix + name));
        }
        return new AbstractConfig(factory.settings(), own, false);
    }

    /** The limits on what one event may write, for {@link ViewTopology}. */
    public FanOutLimits fanOutLimits() {
        return new FanOutLimits(
                getInt(VIEW_MAX_RESPONSE_BYTES), getDouble(VIEW_MAX_DELETE_SHARE), getInt(VIEW_DELETE_HOLD_MIN_KEYS));
    }

    /** A share in (0, 1]. */
    static final class ShareRange implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            double share = (Double) value;
            if (!(share > 0.0 && share <= 1.0)) {
                throw new ConfigException(name, value, "must be in (0, 1]");
            }
        }

        @Override
        public String toString() {
            return "(0, 1]";
        }
    }

    /** Non-empty list of distinct, non-empty regions of at most {@link KeyCodec#MAX_VALUE_BYTES} UTF-8 bytes. */
    public static final class Regions implements ConfigDef.Validator {
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
                    throw new ConfigException(
                            name, value, "region of " + bytes + " bytes > MAX_VALUE_BYTES=" + KeyCodec.MAX_VALUE_BYTES);
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

    /** The deprecated names, accepted while some view on the class path still defines a setting of that name. */
    private static final class DeprecatedViewSettings implements SettingsFamily {
        @Override
        public String pattern() {
            return String.join(", ", new java.util.TreeSet<>(DEPRECATED_VIEW_SETTINGS));
        }

        @Override
        public String doc() {
            return "Deprecated job-wide names of view settings: each sets `view.<name>.<setting>` of every view that"
                    + " defines it and is not given itself; a warning is logged.";
        }

        @Override
        public Collection<String> names(Map<String, String> values) {
            List<String> names = new ArrayList<>();
            for (String old : DEPRECATED_VIEW_SETTINGS) {
                for (ViewFactory view : VIEWS.factories()) {
                    if (view.settings().names().contains(old) && !names.contains(old)) {
                        names.add(old);
                    }
                }
            }
            return names;
        }

        @Override
        public boolean accepts(String name, Map<String, String> values) {
            return names(values).contains(name);
        }
    }
}
