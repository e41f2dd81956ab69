package io.matstore.kafka.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real SASL_SSL (SCRAM-SHA-256) broker: the right password works, a wrong one or no TLS is refused, quickly. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SaslSslKafkaTest {
    private static final SaslSslSettings ALICE = new SaslSslSettings("alice", "alice-secret-1");
    /** A refusal must come well before this; a client that waits for its own timeouts would take 60 s. */
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(30);

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.saslSslInTempDir(ALICE).start();
    }

    @AfterAll
    static void close() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldAdvertiseTheSecuredListenerAndHandOutItsSettings() {
        assertThat(kafka.isSaslSsl()).isTrue();
        assertThat(kafka.clientSettings())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsKeys("sasl.jaas.config", "ssl.truststore.location", "ssl.truststore.password");
        assertThat(Path.of(kafka.clientSettings().get("ssl.truststore.location")))
                .isRegularFile()
                .startsWith(kafka.dataDir());
    }

    @Test
    void shouldCreateATopicAndRoundTripRecordsWithTheRightPassword() throws Exception {
        Properties settings = settings(kafka.clientSettings(ALICE.user(), ALICE.password()));
        try (Admin admin = Admin.create(settings)) {
            admin.createTopics(List.of(new NewTopic("secured-round-trip", 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = producer(settings)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("secured-round-trip", "k" + i, "v" + i))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(readAll(settings, "secured-round-trip", 2, 20))
                .extracting(ConsumerRecord::value)
                .hasSize(20)
                .contains("v0", "v19");
    }

    @Test
    void shouldRefuseAnAdminWithAWrongPasswordQuickly() {
        Properties settings = settings(kafka.clientSettings(ALICE.user(), "not-alices-password"));
        long start = System.nanoTime();
        try (Admin admin = Admin.create(settings)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(60, TimeUnit.SECONDS))
                    .satisfies(SaslSslKafkaTest::isCausedBySaslAuthenticationFailure);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(REFUSED_WITHIN);
    }

    @Test
    void shouldRefuseAProducerWithAWrongPasswordQuickly() {
        kafka.createTopic("refused-producer", 1, Map.of());
        Properties settings = settings(kafka.clientSettings("mallory", "alice-secret-1"));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = producer(settings)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("refused-producer", "k", "v"))
                            .get(60, TimeUnit.SECONDS))
                    .satisfies(SaslSslKafkaTest::isCausedBySaslAuthenticationFailure);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(REFUSED_WITHIN);
    }

    @Test
    void shouldRefuseAPlaintextClientOnTheSecuredPort() {
        Properties settings = new Properties();
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // A PLAINTEXT client gets no answer it understands, only closed connections: it can only time out.
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        try (Admin admin = Admin.create(settings)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void shouldRoundTripWithTheFilesWrittenForTheCommandLine() throws Exception {
        ClientConfigFiles files = ClientConfigFiles.write(kafka);
        assertThat(files.clientProperties()).isEqualTo(kafka.dataDir().resolve("client.properties"));
        Properties client = load(files.clientProperties());
        Properties matstore = load(files.matstoreProperties());
        assertThat(client).containsEntry("bootstrap.servers", kafka.bootstrapServers());
        assertThat(matstore)
                .containsEntry("bootstrap.servers", kafka.bootstrapServers())
                .doesNotContainKey("kafka.bootstrap.servers");
        Properties unprefixed = new Properties();
        for (String key : matstore.stringPropertyNames()) {
            unprefixed.put(key.startsWith("kafka.") ? key.substring("kafka.".length()) : key, matstore.get(key));
        }
        assertThat(unprefixed).isEqualTo(client);

        kafka.createTopic("from-files", 1, Map.of());
        try (KafkaProducer<String, String> producer = producer(client)) {
            producer.send(new ProducerRecord<>("from-files", "k", "written with client.properties"))
                    .get(30, TimeUnit.SECONDS);
        }
        assertThat(readAll(unprefixed, "from-files", 1, 1))
                .extracting(ConsumerRecord::value)
                .containsExactly("written with client.properties");
    }

    @Test
    void shouldTakeANewPasswordWhenStartedAgainOnTheSameDataDir(@TempDir Path dir) throws Exception {
        SaslSslSettings first = new SaslSslSettings("bob", "first-password");
        try (EmbeddedKafka k = EmbeddedKafka.saslSslInDir(dir, 0, Map.of(), first)) {
            k.start();
        }
        String truststore = Files.readString(dir.resolve("tls").resolve(TlsMaterial.PASSWORDS_FILE));
        SaslSslSettings second = new SaslSslSettings("bob", "second-password");
        try (EmbeddedKafka k = EmbeddedKafka.saslSslInDir(dir, 0, Map.of(), second)) {
            k.start();
            k.createTopic("after-restart", 1, Map.of());
            Properties settings = settings(k.bootstrapServers(), k.clientSettings("bob", "second-password"));
            try (KafkaProducer<String, String> producer = producer(settings)) {
                producer.send(new ProducerRecord<>("after-restart", "k", "v")).get(30, TimeUnit.SECONDS);
            }
            try (Admin admin =
                    Admin.create(settings(k.bootstrapServers(), k.clientSettings("bob", "first-password")))) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(60, TimeUnit.SECONDS))
                        .satisfies(SaslSslKafkaTest::isCausedBySaslAuthenticationFailure);
            }
        }
        // Same TLS material on the second start: clients holding the old truststore still trust the broker.
        assertThat(Files.readString(dir.resolve("tls").resolve(TlsMaterial.PASSWORDS_FILE)))
                .isEqualTo(truststore);
    }

    private static void isCausedBySaslAuthenticationFailure(Throwable thrown) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        assertThat(chain).as("causes of %s", thrown).hasAtLeastOneElementOfType(SaslAuthenticationException.class);
    }

    private static Properties settings(Map<String, String> security) {
        return settings(kafka.bootstrapServers(), security);
    }

    private static Properties settings(String bootstrap, Map<String, String> security) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(security);
        return p;
    }

    private static Properties load(Path file) throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    private static KafkaProducer<String, String> producer(Properties settings) {
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static List<ConsumerRecord<String, String>> readAll(
            Properties settings, String topic, int partitions, int expected) {
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
