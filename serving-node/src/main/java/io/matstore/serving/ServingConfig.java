package io.matstore.serving;

import io.matstore.config.SettingsFamily;
import io.matstore.config.SettingsSchema;
import io.matstore.config.SettingsSources;
import io.matstore.serving.cluster.ClusterSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serving node's settings, each defined once below (name, type, default, validator, doc) and parsed at start
 * into this immutable object. Node-wide settings are {@code serving.*}; each view listed in {@code serving.views}
 * has its own {@code view.<name>.*} settings, defined once in {@link #VIEW_DEF}.
 *
 * <p>Sources and precedence are every role's ({@link SettingsSources}): defaults, {@code .properties} files,
 * {@code MATSTORE_*} environment variables ({@code view.offers.max.age.seconds} →
 * {@code MATSTORE_VIEW_OFFERS_MAX_AGE_SECONDS}), overrides. Invalid values fail the start with a
 * {@link ConfigException} naming the setting, the value and the limit.
 */
public final class ServingConfig {
    public static final String HOST = "serving.host";
    public static final String PORT = "serving.port";
    public static final String VIEWS = "serving.views";
    public static final String IO_THREADS = "serving.io.threads";
    public static final String TRANSPORT = "serving.transport";
    public static final String MAX_INITIAL_LINE_BYTES = "serving.max.initial.line.bytes";
    public static final String MAX_HEADER_BYTES = "serving.max.header.bytes";
    public static final String MAX_BODY_BYTES = "serving.max.body.bytes";
    public static final String BATCH_MAX_ITEMS = "serving.batch.max.items";
    public static final String IDLE_TIMEOUT_MS = "serving.idle.timeout.ms";
    public static final String READ_TIMEOUT_MS = "serving.read.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "serving.request.timeout.ms";
    public static final String WRITE_TIMEOUT_MS = "serving.write.timeout.ms";
    public static final String MAX_CONNECTIONS = "serving.max.connections";
    public static final String MAX_PIPELINED_REQUESTS = "serving.max.pipelined.requests";
    public static final String WRITE_BUFFER_HIGH_BYTES = "serving.write.buffer.high.bytes";
    public static final String WRITE_BUFFER_LOW_BYTES = "serving.write.buffer.low.bytes";
    public static final String PROBE_PORT = "serving.probe.port";
    public static final String TLS_KEYSTORE_FILE = "serving.tls.keystore.file";
    public static final String TLS_KEYSTORE_PASSWORD = "serving.tls.keystore.password";
    public static final String TLS_TRUSTSTORE_FILE = "serving.tls.truststore.file";
    public static final String TLS_TRUSTSTORE_PASSWORD = "serving.tls.truststore.password";
    public static final String TLS_CLIENT_AUTH = "serving.tls.client.auth";
    public static final String TLS_PROVIDER = "serving.tls.provider";
    public static final String TLS_CLIENT_SUBJECTS = "serving.tls.client.subjects";
    public static final String TLS_RELOAD_MS = "serving.tls.reload.ms";
    public static final String STATUS_REFRESH_MS = "serving.status.refresh.ms";
    public static final String SHED_MAX_IN_FLIGHT = "serving.shed.max.in.flight";
    public static final String SHED_MAX_REJECTION_RATIO = "serving.shed.max.rejection.ratio";
    public static final String SHED_WINDOW_MS = "serving.shed.window.ms";
    public static final String SHED_LIMIT = "serving.shed.limit";
    public static final String SHED_MIN_LIMIT = "serving.shed.min.limit";
    public static final String SHED_LATENCY_TARGET_MS = "serving.shed.latency.target.ms";
    public static final String SHED_BACKOFF = "serving.shed.backoff";
    public static final String SHED_LAG_TARGET_MS = "serving.shed.lag.target.ms";
    public static final String SHED_LAG_INTERVAL_MS = "serving.shed.lag.interval.ms";
    public static final String SHED_CPU_TARGET = "serving.shed.cpu.target";
    public static final String SHED_CPU_INTERVAL_MS = "serving.shed.cpu.interval.ms";
    public static final String RETRY_AFTER_SECONDS = "serving.retry.after.seconds";
    public static final String ADMIN_HOST = "serving.admin.host";
    public static final String ADMIN_PORT = "serving.admin.port";
    public static final String ADMIN_TOKEN = "serving.admin.token";
    public static final String ADMIN_ALLOWED_HOSTS = "serving.admin.allowed.hosts";
    public static final String TRACING_ENABLED = "serving.tracing.enabled";
    public static final String ACCESS_LOG = "serving.access.log";

    /** Per view: the version to serve when the store holds none yet. */
    public static final String VIEW_VERSION = "version";

    public static final String FRESHNESS_OBJECTIVE_MS = "freshness.objective.ms";
    public static final String MAX_AGE_SECONDS = "max.age.seconds";
    public static final String STALE_WHILE_REVALIDATE_SECONDS = "stale.while.revalidate.seconds";
    public static final String STALE_IF_ERROR_SECONDS = "stale.if.error.seconds";
    public static final String STALENESS_CEILING_SECONDS = "staleness.ceiling.seconds";

    /** Title of the node's own settings in the reference. */
    public static final String SECTION = "Serving node";

    public static final ConfigDef DEF = new ConfigDef()
            .define(
                    HOST,
                    Type.STRING,
                    "127.0.0.1",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Address the HTTP server binds.")
            .define(
                    PORT,
                    Type.INT,
                    8080,
                    Range.between(0, 65535),
                    Importance.HIGH,
                    "HTTP port; 0 picks a free one (tests).")
            .define(
                    VIEWS,
                    Type.LIST,
                    "offers",
                    ConfigDef.ValidList.anyNonDuplicateValues(false, false),
                    Importance.HIGH,
                    "Views this node serves; each needs a current version in the store to be ready.")
            .define(
                    IO_THREADS,
                    Type.INT,
                    0,
                    Range.between(0, 256),
                    Importance.MEDIUM,
                    "Event-loop threads; 0 = Netty's default (2 x cores).")
            .define(
                    TRANSPORT,
                    Type.STRING,
                    "auto",
                    ConfigDef.ValidString.in("auto", "epoll", "io_uring", "nio"),
                    Importance.LOW,
                    "auto = epoll where its native library loads, else NIO; io_uring only when asked.")
            .define(
                    MAX_INITIAL_LINE_BYTES,
                    Type.INT,
                    4096,
                    Range.between(256, 65536),
                    Importance.MEDIUM,
                    "Longest request line; longer gets 414 and the connection is closed.")
            .define(
                    MAX_HEADER_BYTES,
                    Type.INT,
                    8192,
                    Range.between(1024, 65536),
                    Importance.MEDIUM,
                    "Largest header block; larger gets 431 and the connection is closed.")
            .define(
                    MAX_BODY_BYTES,
                    Type.INT,
                    65536,
                    Range.between(1024, 16 * 1024 * 1024),
                    Importance.MEDIUM,
                    "Largest request body (batch); larger gets 413 and the connection is closed.")
            .define(
                    BATCH_MAX_ITEMS,
                    Type.INT,
                    100,
                    Range.between(1, 10_000),
                    Importance.MEDIUM,
                    "Most lookups in one batch request; more gets 413.")
            .define(
                    IDLE_TIMEOUT_MS,
                    Type.LONG,
                    60_000L,
                    Range.between(1_000L, 3_600_000L),
                    Importance.MEDIUM,
                    "A connection with no traffic either way for this long is closed.")
            .define(
                    READ_TIMEOUT_MS,
                    Type.LONG,
                    10_000L,
                    Range.between(100L, 600_000L),
                    Importance.MEDIUM,
                    "A request whose bytes stop arriving for this long before it is complete gets 408 and the"
                            + " connection is closed.")
            .define(
                    REQUEST_TIMEOUT_MS,
                    Type.LONG,
                    30_000L,
                    Range.between(100L, 600_000L),
                    Importance.MEDIUM,
                    "A request's headers and body must have arrived whole this long after its first byte, however"
                            + " the bytes trickle in (slowloris); else 408 and the connection is closed.")
            .define(
                    WRITE_TIMEOUT_MS,
                    Type.LONG,
                    30_000L,
                    Range.between(100L, 600_000L),
                    Importance.MEDIUM,
                    "A connection whose responses wait unwritten (its reading paused, see"
                            + " serving.write.buffer.high.bytes) with no write completing for this long is closed.")
            .define(
                    MAX_CONNECTIONS,
                    Type.INT,
                    10_000,
                    Range.between(1, 1_000_000),
                    Importance.MEDIUM,
                    "Open HTTP connections; one more gets 503 too_many_connections and is closed.")
            .define(
                    MAX_PIPELINED_REQUESTS,
                    Type.INT,
                    64,
                    Range.between(1, 100_000),
                    Importance.LOW,
                    "Responses of one connection not yet written to its socket at which the node stops reading its"
                            + " requests; a request already received beyond this closes the connection.")
            .define(
                    WRITE_BUFFER_HIGH_BYTES,
                    Type.INT,
                    256 * 1024,
                    Range.between(1024, 64 * 1024 * 1024),
                    Importance.LOW,
                    "Unwritten response bytes of one connection above which the node stops reading"
                            + " its requests (write-buffer high watermark).")
            .define(
                    WRITE_BUFFER_LOW_BYTES,
                    Type.INT,
                    64 * 1024,
                    Range.between(512, 64 * 1024 * 1024),
                    Importance.LOW,
                    "Unwritten response bytes below which reading resumes (low watermark; must be"
                            + " below serving.write.buffer.high.bytes).")
            .define(
                    PROBE_PORT,
                    Type.INT,
                    -1,
                    Range.between(-1, 65535),
                    Importance.MEDIUM,
                    "Port of a listener for /healthz, /readyz and /metrics on its own event-loop thread, so that"
                            + " probes answer while the request loops are saturated or stalled; -1 = none (probes on"
                            + " serving.port only), 0 picks a free one. Binds serving.host.")
            .define(
                    TLS_KEYSTORE_FILE,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "PKCS12 keystore with the node's private key and certificate chain: the HTTP and admin listeners"
                            + " speak TLS only (the probe listener stays plain). Empty: plain text.")
            .define(
                    TLS_KEYSTORE_PASSWORD,
                    Type.PASSWORD,
                    "",
                    Importance.HIGH,
                    "Password of serving.tls.keystore.file (and of its key).")
            .define(
                    TLS_TRUSTSTORE_FILE,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "PKCS12 truststore of the certificates (or CAs) client certificates must chain to; empty = the"
                            + " JDK's default CAs.")
            .define(
                    TLS_TRUSTSTORE_PASSWORD,
                    Type.PASSWORD,
                    "",
                    Importance.MEDIUM,
                    "Password of serving.tls.truststore.file.")
            .define(
                    TLS_PROVIDER,
                    Type.STRING,
                    "jdk",
                    ConfigDef.ValidString.in("jdk", "openssl"),
                    Importance.LOW,
                    "TLS engine: jdk, or openssl (BoringSSL through netty-tcnative-boringssl-static, which must then"
                            + " be on the class path; without it the node logs why and uses jdk).")
            .define(
                    TLS_CLIENT_AUTH,
                    Type.STRING,
                    "none",
                    ConfigDef.ValidString.in("none", "optional", "required"),
                    Importance.MEDIUM,
                    "Client certificates (mutual TLS): none, optional (checked when sent) or"
                            + " required (the handshake fails without one).")
            .define(
                    TLS_CLIENT_SUBJECTS,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Subjects (RFC 2253 distinguished names, separated by ';', e.g. 'CN=orders-api,O=shop;"
                            + "CN=search,O=shop') whose client certificates may connect; any other connection is"
                            + " closed after the handshake. Empty: any trusted certificate.")
            .define(
                    TLS_RELOAD_MS,
                    Type.LONG,
                    10_000L,
                    Range.between(100L, 3_600_000L),
                    Importance.LOW,
                    "How often the keystore and truststore files are checked for change; new connections use the"
                            + " new material, open ones keep theirs. A file that fails to load keeps the old material"
                            + " (logged).")
            .define(
                    STATUS_REFRESH_MS,
                    Type.LONG,
                    200L,
                    Range.between(10L, 10_000L),
                    Importance.LOW,
                    "How often store status (lag, ingest errors) is folded into staleness and readiness.")
            .define(
                    SHED_MAX_IN_FLIGHT,
                    Type.INT,
                    4096,
                    Range.between(1, 1_000_000),
                    Importance.MEDIUM,
                    "Responses admitted but not yet written to the socket above which requests are shed (503);"
                            + " with serving.shed.limit=adaptive, the most the limit may grow to.")
            .define(
                    SHED_LIMIT,
                    Type.STRING,
                    "adaptive",
                    ConfigDef.ValidString.in("adaptive", "static"),
                    Importance.MEDIUM,
                    "adaptive = the in-flight limit follows latency (AIMD between"
                            + " serving.shed.min.limit and serving.shed.max.in.flight, starting at a quarter of the"
                            + " latter); static = serving.shed.max.in.flight.")
            .define(
                    SHED_MIN_LIMIT,
                    Type.INT,
                    16,
                    Range.between(1, 1_000_000),
                    Importance.LOW,
                    "Lowest the adaptive limit goes (capped at serving.shed.max.in.flight).")
            .define(
                    SHED_LATENCY_TARGET_MS,
                    Type.DOUBLE,
                    20.0,
                    Range.between(0.01, 60_000.0),
                    Importance.LOW,
                    "An admitted request answered slower than this (admission to response written) while in-flight"
                            + " is at least half the adaptive limit lowers it by serving.shed.backoff, at most once per"
                            + " serving.shed.window.ms / 10.")
            .define(
                    SHED_BACKOFF,
                    Type.DOUBLE,
                    0.9,
                    Range.between(0.1, 0.99),
                    Importance.LOW,
                    "Factor of the adaptive limit's decrease.")
            .define(
                    SHED_LAG_TARGET_MS,
                    Type.DOUBLE,
                    0.0,
                    Range.between(0.0, 60_000.0),
                    Importance.MEDIUM,
                    "Event-loop lag above which requests are shed (503) with a probability that rises while the"
                            + " smallest lag of each serving.shed.lag.interval.ms stays above this and falls below it"
                            + " (PIE, RFC 8033, on a task each loop schedules to itself every tenth of the interval);"
                            + " a connection shed while the lag is above it is not read until the lag is back under."
                            + " The signal of CPU overload, whose queue builds before admission where in-flight"
                            + " cannot see it. 0 = off. On CPUs shared with other processes the lag also counts"
                            + " their time, so set it above what the neighbours cause.")
            .define(
                    SHED_LAG_INTERVAL_MS,
                    Type.LONG,
                    100L,
                    Range.between(1L, 60_000L),
                    Importance.LOW,
                    "Interval at whose end the shed probability moves (by at most 1/8) from the interval's smallest"
                            + " event-loop lag; paused connections are checked for resumption once per interval.")
            .define(
                    SHED_CPU_TARGET,
                    Type.DOUBLE,
                    0.0,
                    Range.between(0.0, 0.99),
                    Importance.MEDIUM,
                    "Share of a core the busiest event loop may be busy (its thread CPU time over wall time, per"
                            + " serving.shed.cpu.interval.ms; the busiest, so that one loop saturated by a few"
                            + " long-lived connections is not averaged out by idle ones)"
                            + " before view requests are shed (503) with a probability"
                            + " that rises while the loops stay above it and falls below it (PIE, RFC 8033). Set it"
                            + " to the utilisation at the node's knee (where admitted latency starts to rise, see"
                            + " docs/benchmarks.md \"Overload\"), e.g. 0.8: it is per deployment, so 0 = off. Counts"
                            + " only this process's CPU time: use it on cores the node does not share.")
            .define(
                    SHED_CPU_INTERVAL_MS,
                    Type.LONG,
                    20L,
                    Range.between(1L, 60_000L),
                    Importance.LOW,
                    "Interval over which the event loops' utilisation is measured and at whose end the CPU shed"
                            + " probability moves (by at most 1/8).")
            .define(
                    SHED_MAX_REJECTION_RATIO,
                    Type.DOUBLE,
                    0.9,
                    Range.between(0.0, 1.0),
                    Importance.LOW,
                    "Cap on the share of requests shed in one window, so some traffic always probes.")
            .define(
                    SHED_WINDOW_MS,
                    Type.LONG,
                    1_000L,
                    Range.between(10L, 60_000L),
                    Importance.LOW,
                    "Window over which the rejection cap is counted.")
            .define(
                    RETRY_AFTER_SECONDS,
                    Type.INT,
                    1,
                    Range.between(1, 3600),
                    Importance.LOW,
                    "Retry-After sent with every 503.")
            .define(
                    ADMIN_HOST,
                    Type.STRING,
                    "127.0.0.1",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Address the admin listener binds; anything but a loopback address requires"
                            + " serving.admin.token.")
            .define(
                    ADMIN_PORT,
                    Type.INT,
                    -1,
                    Range.between(-1, 65535),
                    Importance.HIGH,
                    "Admin listener port (swap, rollback, retire, load, validate, status); -1 = no admin"
                            + " listener, 0 picks a free one.")
            .define(
                    ADMIN_TOKEN,
                    Type.PASSWORD,
                    "",
                    Importance.HIGH,
                    "Admin requests must carry 'Authorization: Bearer <token>' (else 401). Empty: the node makes a"
                            + " random token at start and prints it (the admin listener never runs without one).")
            .define(
                    ADMIN_ALLOWED_HOSTS,
                    Type.LIST,
                    "",
                    Importance.LOW,
                    "Host names or host:port, besides serving.admin.host (and localhost, 127.0.0.1, [::1] on"
                            + " loopback), that admin requests may name in Host and Origin (e.g. a proxy's); any"
                            + " other gets 403.")
            .define(
                    TRACING_ENABLED,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "Trace GET lookups with OpenTelemetry: a server span per request, child of its W3C traceparent,"
                            + " linked to the trace context stored in the served envelope, and a traceresponse header."
                            + " Needs an SDK (the OpenTelemetry Java agent, or the node's embedder's); without one it"
                            + " stays off and says so at start. Off: the request path does not touch OpenTelemetry.")
            .define(
                    ACCESS_LOG,
                    Type.BOOLEAN,
                    false,
                    Importance.LOW,
                    "Log one line per answered request on the SLF4J logger 'matstore.access' (remote address,"
                            + " method, path and query, status, bytes, microseconds, fresh/stale), after the"
                            + " response is written.");

    /** Settings of one view, under {@code view.<name>.}. */
    public static final ConfigDef VIEW_DEF = new ConfigDef()
            .define(
                    VIEW_VERSION,
                    Type.INT,
                    1,
                    Range.atLeast(1),
                    Importance.MEDIUM,
                    "Version of the view to ingest and serve when the store holds none yet (one the view's module"
                            + " has; later versions come through a rebuild).")
            .define(
                    FRESHNESS_OBJECTIVE_MS,
                    Type.LONG,
                    30_000L,
                    Range.between(1L, 86_400_000L),
                    Importance.HIGH,
                    "Ingest may lag this long (since it was last caught up) before answers are marked stale"
                            + " (X-Matstore-Freshness); the node stays ready, since it can still answer.")
            .define(
                    MAX_AGE_SECONDS,
                    Type.INT,
                    1,
                    Range.between(0, 31_536_000),
                    Importance.MEDIUM,
                    "Cache-Control max-age.")
            .define(
                    STALE_WHILE_REVALIDATE_SECONDS,
                    Type.INT,
                    30,
                    Range.between(0, 31_536_000),
                    Importance.LOW,
                    "Cache-Control stale-while-revalidate (RFC 5861).")
            .define(
                    STALE_IF_ERROR_SECONDS,
                    Type.INT,
                    600,
                    Range.between(0, 31_536_000),
                    Importance.LOW,
                    "Cache-Control stale-if-error (RFC 5861).")
            .define(
                    STALENESS_CEILING_SECONDS,
                    Type.INT,
                    -1,
                    Range.between(-1, 31_536_000),
                    Importance.MEDIUM,
                    "A key whose value was last known current longer ago than this (its Age: 0 while ingest is"
                            + " caught up) is answered 503 too_stale instead of the value; -1 = the view's"
                            + " stale.if.error.seconds, so the node stops where a cache in front would.");

    private final Map<String, Object> values;
    private final Map<String, ViewSettings> views;
    private final Map<String, Integer> versions;
    private final ClusterSettings cluster;

    private ServingConfig(
            Map<String, Object> values,
            Map<String, ViewSettings> views,
            Map<String, Integer> versions,
            ClusterSettings cluster) {
        this.values = values;
        this.views = views;
        this.versions = versions;
        this.cluster = cluster;
    }

    /** Parses and validates raw settings (defaults for what is absent). */
    public static ServingConfig of(Map<String, String> raw) {
        Map<String, Object> parsed = DEF.parse(raw);
        @SuppressWarnings("unchecked")
        List<String> viewNames = (List<String>) parsed.get(VIEWS);
        Map<String, ViewSettings> views = new LinkedHashMap<>();
        Map<String, Integer> versions = new HashMap<>();
        for (String view : viewNames) {
            String prefix = "view." + view + ".";
            Map<String, String> own = new HashMap<>();
            for (Map.Entry<String, String> e : raw.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    own.put(e.getKey().substring(prefix.length()), e.getValue());
                }
            }
            Map<String, Object> v;
            try {
                v = VIEW_DEF.parse(own);
            } catch (ConfigException e) {
                throw new ConfigException("view " + view + ": " + e.getMessage());
            }
            versions.put(view, (Integer) v.get(VIEW_VERSION));
            int staleIfError = (Integer) v.get(STALE_IF_ERROR_SECONDS);
            int ceiling = (Integer) v.get(STALENESS_CEILING_SECONDS);
            views.put(
                    view,
                    new ViewSettings(
                            view,
                            (Long) v.get(FRESHNESS_OBJECTIVE_MS),
                            (Integer) v.get(MAX_AGE_SECONDS),
                            (Integer) v.get(STALE_WHILE_REVALIDATE_SECONDS),
                            staleIfError,
                            ceiling < 0 ? staleIfError : ceiling));
        }
        int low = (Integer) parsed.get(WRITE_BUFFER_LOW_BYTES);
        int high = (Integer) parsed.get(WRITE_BUFFER_HIGH_BYTES);
        if (low >= high) {
            throw new ConfigException(
                    WRITE_BUFFER_LOW_BYTES + "=" + low + " >= " + WRITE_BUFFER_HIGH_BYTES + "=" + high);
        }
        checkAdminExposure(
                (String) parsed.get(ADMIN_HOST),
                (Integer) parsed.get(ADMIN_PORT),
                (org.apache.kafka.common.config.types.Password) parsed.get(ADMIN_TOKEN));
        return new ServingConfig(Map.copyOf(parsed), Map.copyOf(views), Map.copyOf(versions), ClusterSettings.of(raw));
    }

    /** The admin endpoint changes what the node serves: off loopback it must demand a token. */
    private static void checkAdminExposure(String host, int port, org.apache.kafka.common.config.types.Password token) {
        if (port < 0 || !token.value().isEmpty()) {
            return;
        }
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException(ADMIN_HOST, host, "unknown host");
        }
        if (!loopback) {
            throw new ConfigException(ADMIN_HOST + "=" + host + " is not a loopback address and " + ADMIN_TOKEN
                    + " is empty: set a token to expose the admin endpoint beyond this machine");
        }
    }

    /** Views this node serves given raw {@code values}: {@code serving.views} or its default. */
    private static List<String> servedViews(Map<String, String> values) {
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) ConfigDef.parseType(
                VIEWS,
                values.getOrDefault(VIEWS, String.join(",", (List<String>)
                        DEF.defaultValues().get(VIEWS))),
                Type.LIST);
        return names;
    }

    /** {@code view.<name>.<setting>} for each view in {@code serving.views}, the settings of {@link #VIEW_DEF}. */
    public static final SettingsFamily VIEW_SETTINGS = new SettingsFamily() {
        @Override
        public String pattern() {
            return "view.<name>.<setting>";
        }

        @Override
        public String doc() {
            return "Settings of each view listed in `serving.views`, e.g. `view.offers.max.age.seconds`:";
        }

        @Override
        public ConfigDef definition() {
            return VIEW_DEF;
        }

        @Override
        public Collection<String> names(Map<String, String> values) {
            List<String> names = new ArrayList<>();
            for (String view : servedViews(values)) {
                for (String setting : VIEW_DEF.names()) {
                    names.add("view." + view + "." + setting);
                }
            }
            return names;
        }

        @Override
        public boolean accepts(String name, Map<String, String> values) {
            return names(values).contains(name);
        }
    };

    /** The serving node's settings alone (the {@code serve} role adds the store's and Kafka's). */
    public static final SettingsSchema SCHEMA = SettingsSchema.of("serve")
            .section(SECTION, DEF)
            .section(ClusterSettings.SECTION, ClusterSettings.DEF)
            .family(VIEW_SETTINGS)
            .build();

    /** Defaults, then {@code files}, then the environment's {@code MATSTORE_*} variables; unknown names refused. */
    public static ServingConfig load(List<Path> files, Map<String, String> environment) {
        return of(SettingsSources.load(SCHEMA, files, environment, Map.of()));
    }

    /** The node's place in a cluster ({@code cluster.*}); standalone when {@code cluster.name} is empty. */
    public ClusterSettings cluster() {
        return cluster;
    }

    public String host() {
        return (String) values.get(HOST);
    }

    public int port() {
        return (Integer) values.get(PORT);
    }

    /** The version of {@code view} to ingest and serve when the store holds none ({@code view.<name>.version}). */
    public int initialVersion(String view) {
        Integer v = versions.get(view);
        if (v == null) {
            throw new IllegalArgumentException("view " + view + " is not in " + VIEWS + "=" + values.get(VIEWS));
        }
        return v;
    }

    /** Served views in configured order. */
    public List<ViewSettings> views() {
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) values.get(VIEWS);
        return names.stream().map(views::get).toList();
    }

    public int ioThreads() {
        return (Integer) values.get(IO_THREADS);
    }

    public String transport() {
        return (String) values.get(TRANSPORT);
    }

    public int maxInitialLineBytes() {
        return (Integer) values.get(MAX_INITIAL_LINE_BYTES);
    }

    public int maxHeaderBytes() {
        return (Integer) values.get(MAX_HEADER_BYTES);
    }

    public int maxBodyBytes() {
        return (Integer) values.get(MAX_BODY_BYTES);
    }

    public int batchMaxItems() {
        return (Integer) values.get(BATCH_MAX_ITEMS);
    }

    public long idleTimeoutMillis() {
        return (Long) values.get(IDLE_TIMEOUT_MS);
    }

    public long readTimeoutMillis() {
        return (Long) values.get(READ_TIMEOUT_MS);
    }

    public long requestTimeoutMillis() {
        return (Long) values.get(REQUEST_TIMEOUT_MS);
    }

    public long writeTimeoutMillis() {
        return (Long) values.get(WRITE_TIMEOUT_MS);
    }

    public int maxConnections() {
        return (Integer) values.get(MAX_CONNECTIONS);
    }

    public int maxPipelinedRequests() {
        return (Integer) values.get(MAX_PIPELINED_REQUESTS);
    }

    public int writeBufferHighBytes() {
        return (Integer) values.get(WRITE_BUFFER_HIGH_BYTES);
    }

    public int writeBufferLowBytes() {
        return (Integer) values.get(WRITE_BUFFER_LOW_BYTES);
    }

    /** -1 when probes are served on {@code serving.port} only. */
    public int probePort() {
        return (Integer) values.get(PROBE_PORT);
    }

    /** Extra names admin requests may give in Host and Origin. */
    @SuppressWarnings("unchecked")
    public List<String> adminAllowedHosts() {
        return (List<String>) values.get(ADMIN_ALLOWED_HOSTS);
    }

    /** Null when the listeners speak plain text. */
    public String tlsKeystoreFile() {
        String f = (String) values.get(TLS_KEYSTORE_FILE);
        return f.isEmpty() ? null : f;
    }

    public String tlsKeystorePassword() {
        return ((org.apache.kafka.common.config.types.Password) values.get(TLS_KEYSTORE_PASSWORD)).value();
    }

    /** Null for the JDK's default CAs. */
    public String tlsTruststoreFile() {
        String f = (String) values.get(TLS_TRUSTSTORE_FILE);
        return f.isEmpty() ? null : f;
    }

    public String tlsTruststorePassword() {
        return ((org.apache.kafka.common.config.types.Password) values.get(TLS_TRUSTSTORE_PASSWORD)).value();
    }

    /** jdk or openssl. */
    public String tlsProvider() {
        return (String) values.get(TLS_PROVIDER);
    }

    /** none, optional or required. */
    public String tlsClientAuth() {
        return (String) values.get(TLS_CLIENT_AUTH);
    }

    /** The allowed client subjects; empty: any trusted certificate. */
    public List<String> tlsClientSubjects() {
        List<String> out = new ArrayList<>();
        for (String s : ((String) values.get(TLS_CLIENT_SUBJECTS)).split(";")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    public long tlsReloadMillis() {
        return (Long) values.get(TLS_RELOAD_MS);
    }

    public long statusRefreshMillis() {
        return (Long) values.get(STATUS_REFRESH_MS);
    }

    public int shedMaxInFlight() {
        return (Integer) values.get(SHED_MAX_IN_FLIGHT);
    }

    /** True when the in-flight limit adapts to latency. */
    public boolean shedAdaptive() {
        return values.get(SHED_LIMIT).equals("adaptive");
    }

    public int shedMinLimit() {
        return Math.min((Integer) values.get(SHED_MIN_LIMIT), shedMaxInFlight());
    }

    public double shedLatencyTargetMillis() {
        return (Double) values.get(SHED_LATENCY_TARGET_MS);
    }

    public double shedBackoff() {
        return (Double) values.get(SHED_BACKOFF);
    }

    /** 0 when off. */
    public double shedLagTargetMillis() {
        return (Double) values.get(SHED_LAG_TARGET_MS);
    }

    public long shedLagIntervalMillis() {
        return (Long) values.get(SHED_LAG_INTERVAL_MS);
    }

    /** 0: off. */
    public double shedCpuTarget() {
        return (Double) values.get(SHED_CPU_TARGET);
    }

    public long shedCpuIntervalMillis() {
        return (Long) values.get(SHED_CPU_INTERVAL_MS);
    }

    public double shedMaxRejectionRatio() {
        return (Double) values.get(SHED_MAX_REJECTION_RATIO);
    }

    public long shedWindowMillis() {
        return (Long) values.get(SHED_WINDOW_MS);
    }

    public int retryAfterSeconds() {
        return (Integer) values.get(RETRY_AFTER_SECONDS);
    }

    public String adminHost() {
        return (String) values.get(ADMIN_HOST);
    }

    /** -1 when the admin listener is off. */
    public int adminPort() {
        return (Integer) values.get(ADMIN_PORT);
    }

    public boolean tracingEnabled() {
        return (Boolean) values.get(TRACING_ENABLED);
    }

    public boolean accessLog() {
        return (Boolean) values.get(ACCESS_LOG);
    }

    /** The admin bearer token, or null when none is required. */
    public String adminToken() {
        String t = ((org.apache.kafka.common.config.types.Password) values.get(ADMIN_TOKEN)).value();
        return t.isEmpty() ? null : t;
    }
}
