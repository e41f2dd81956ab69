package io.matstore.kafka.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka: one KRaft process that is both broker and controller, started in this JVM from the Kafka
 * jars. It is the broker of the local stack and of every test suite here (there is no Docker engine to run one).
 *
 * <p>Replication factors and min ISR are 1 for the internal topics (offsets, transactions, share groups) so that
 * exactly-once producers and Kafka Streams work on one node. Ports are chosen free at construction and kept across
 * {@link #stop()}/{@link #start()}, so clients reconnect to a restarted broker, which is how failure tests take the
 * broker away and give it back. Data lives in a given directory, or in a temporary one deleted on {@link #close()}.
 *
 * <p>A broker made with {@link SaslSslSettings} (the {@code saslSsl...} factories) takes clients only on a SASL_SSL
 * listener with SCRAM-SHA-256 ({@link SaslSslListener}): its TLS material is made in {@code <data dir>/tls} on first
 * start ({@link TlsMaterial}), its user is written into the metadata when storage is formatted (or set again on the
 * next start when the data directory was formatted before), and {@link #bootstrapServers()} and {@link #admin()}
 * use the secured listener. {@link #clientSettings(String, String)} gives a client's settings for any user and
 * password, so tests can also build clients that must be refused.
 */
public final class EmbeddedKafka implements KafkaBroker {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final String clusterId;
    private final Map<String, String> overrides;
    /** Null for a PLAINTEXT broker. */
    private final SaslSslSettings saslSsl;
    /** The PLAINTEXT loopback listener of a secured broker's own traffic; 0 for a PLAINTEXT broker. */
    private final int internalPort;

    private TlsMaterial tls;
    private KafkaRaftServer server;

    private EmbeddedKafka(
            Path dataDir,
            boolean deleteOnClose,
            int brokerPort,
            int controllerPort,
            Map<String, String> overrides,
            SaslSslSettings saslSsl) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.clusterId = Uuid.randomUuid().toString();
        this.overrides = Map.copyOf(overrides);
        this.saslSsl = saslSsl;
        this.internalPort = saslSsl == null ? 0 : freePort();
    }

    /** A broker on free ports with its data in a fresh temporary directory. Not started. */
    public static EmbeddedKafka inTempDir() {
        return new EmbeddedKafka(tempDir(), true, freePort(), freePort(), Map.of(), null);
    }

    /** A SASL_SSL broker for {@code saslSsl}'s user, on free ports with its data in a fresh temporary directory. */
    public static EmbeddedKafka saslSslInTempDir(SaslSslSettings saslSsl) {
        return new EmbeddedKafka(tempDir(), true, freePort(), freePort(), Map.of(), requireSettings(saslSsl));
    }

    /**
     * A broker keeping its data in {@code dataDir} (kept on close, reused on the next start).
     *
     * @param brokerPort client port, 0 for a free one
     * @param overrides  broker settings that replace the defaults
     */
    public static EmbeddedKafka inDir(Path dataDir, int brokerPort, Map<String, String> overrides) {
        return new EmbeddedKafka(
                dataDir, false, brokerPort == 0 ? freePort() : brokerPort, freePort(), overrides, null);
    }

    /**
     * A SASL_SSL broker for {@code saslSsl}'s user keeping its data and TLS material in {@code dataDir} (kept on close,
     * reused on the next start; the user's password is set again on each start, so it may change between runs).
     *
     * @param brokerPort client (SASL_SSL) port, 0 for a free one
     * @param overrides  broker settings that replace the defaults
     */
    public static EmbeddedKafka saslSslInDir(
            Path dataDir, int brokerPort, Map<String, String> overrides, SaslSslSettings saslSsl) {
        return new EmbeddedKafka(
                dataDir,
                false,
                brokerPort == 0 ? freePort() : brokerPort,
                freePort(),
                overrides,
                requireSettings(saslSsl));
    }

    /** Formats storage on first start, starts broker and controller, and returns once the broker takes requests. */
    @Override
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        long startNanos = System.nanoTime();
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(), false);
        boolean formatted = formatIfNeeded();
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        s.startup();
        server = s;
        if (saslSsl != null && !formatted) {
            // Storage formatted before (by a plain run, or with another password) may not know this user yet.
            SaslSslListener.upsertUser("127.0.0.1:" + internalPort, saslSsl);
        }
        awaitReady();
        LOG.info(
                "Kafka ready at {} in {} ms (data {})",
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                dataDir);
        return this;
    }

    /** Shuts the broker down cleanly and keeps its data, so {@link #start()} brings back the same log. */
    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        LOG.info("Kafka at {} stopped", bootstrapServers());
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** The client listener: SASL_SSL for a secured broker, else PLAINTEXT. */
    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Whether clients must use {@link #clientSettings()}: the broker was made with {@link SaslSslSettings}. */
    public boolean isSaslSsl() {
        return saslSsl != null;
    }

    /**
     * Settings for a client of this broker, without {@code bootstrap.servers}: for a secured broker, those of
     * {@link #clientSettings(String, String)} for the user it was made with; none for a PLAINTEXT broker.
     */
    @Override
    public Map<String, String> clientSettings() {
        return saslSsl == null ? Map.of() : clientSettings(saslSsl.user(), saslSsl.password());
    }

    /**
     * Settings for a client of this secured broker that logs in as {@code user} with {@code password}, right or not,
     * without {@code bootstrap.servers}: {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config},
     * {@code ssl.truststore.*} and {@code ssl.endpoint.identification.algorithm}. Makes the TLS material if the broker
     * has not started yet, so the truststore exists when this returns.
     *
     * @throws IllegalStateException for a PLAINTEXT broker
     */
    public Map<String, String> clientSettings(String user, String password) {
        if (saslSsl == null) {
            throw new IllegalStateException("Kafka at " + bootstrapServers() + " is PLAINTEXT: it has no users");
        }
        return Collections.unmodifiableMap(SaslSslListener.clientSettings(tls(), user, password));
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates a topic unless it exists; returns once the controller has it. */
    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    /** An admin client on this broker; the caller closes it. */
    @Override
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.putAll(clientSettings());
        return Admin.create(p);
    }

    @Override
    public synchronized void close() {
        stop();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        if (saslSsl == null) {
            p.put(
                    "listeners",
                    "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
                            + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
        } else {
            SaslSslListener.putBrokerProperties(
                    p, brokerPort, internalPort, CONTROLLER_LISTENER, controllerPort, tls());
        }
        p.put("log.dirs", logDir().toString());
        p.put("metadata.log.dir", metadataDir().toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        // Tests and the local stack create consumer groups constantly; the default 3 s rebalance delay is pure waiting.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.backoff.ms", "1000");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.putAll(overrides);
        return p;
    }

    /** Formats storage unless it is; returns whether it did. */
    private boolean formatIfNeeded() {
        if (Files.exists(metadataDir().resolve("meta.properties"))) {
            return false;
        }
        try {
            Files.createDirectories(logDir());
            Files.createDirectories(metadataDir());
            new Formatter()
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setClusterId(clusterId)
                    .setNodeId(NODE_ID)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(metadataDir().toString())
                    .setDirectories(List.of(logDir().toString(), metadataDir().toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    // The user is in the metadata from the first record on: the broker can check it before it serves.
                    .setScramArguments(saslSsl == null ? List.of() : List.of(SaslSslListener.scramArgument(saslSsl)))
                    .run();
            return true;
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + dataDir, e);
        }
    }

    private synchronized TlsMaterial tls() {
        if (tls == null) {
            tls = TlsMaterial.createOrLoad(dataDir.resolve("tls"));
        }
        return tls;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
        throw new IllegalStateException("Kafka at " + bootstrapServers() + " not ready after " + READY_TIMEOUT, last);
    }

    private Path logDir() {
        return dataDir.resolve("logs");
    }

    private Path metadataDir() {
        return dataDir.resolve("metadata");
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("matstore-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
        }
    }

    private static SaslSslSettings requireSettings(SaslSslSettings saslSsl) {
        if (saslSsl == null) {
            throw new IllegalArgumentException("a SASL_SSL broker needs its SaslSslSettings");
        }
        return saslSsl;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all =
                    new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete {} entirely: {}", dir, e.toString());
        }
    }
}
