package io.matstore.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.client.Lookup;
import io.matstore.client.MatstoreClient;
import io.matstore.client.MatstoreClientBuilder;
import io.matstore.client.UnavailableException;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.kafka.local.SelfSignedKeyPair;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OfferResponseWriter;
import io.matstore.views.offers.OffersContract;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client against a real node that speaks TLS only and requires a client certificate (mutual TLS), with
 * keys and certificates made at run time by the JDK's keytool: the node's certificate names 127.0.0.1 only, so
 * that hostname verification has something to refuse.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientTlsTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final String PASSWORD = "changeit-test";
    private static final Map<String, String> KEY =
            Map.of("sku", "SKU-7", "region", "eu", "currency", "EUR", "tier", "gold");

    @TempDir
    static Path dir;

    private static VersionedResponseStore store;
    private static ServingNode node;
    private static int port;
    private static Path nodeKeys;
    private static Path clientKeys;
    private static Path trust;

    @BeforeAll
    static void start() throws Exception {
        // both keytools at once: each is a JVM start
        SelfSignedKeyPair nodeKeytool = SelfSignedKeyPair.start(
                dir.resolve("node.p12"), "node", "CN=node,O=matstore test", "ip:127.0.0.1", 2, PASSWORD);
        SelfSignedKeyPair clientKeytool = SelfSignedKeyPair.start(
                dir.resolve("client.p12"), "client", "CN=client,O=matstore test", "dns:client.test", 2, PASSWORD);
        nodeKeys = nodeKeytool.await();
        clientKeys = clientKeytool.await();
        trust = dir.resolve("trust.p12");
        SelfSignedKeyPair.trustStore(trust, PASSWORD, PASSWORD, nodeKeys, clientKeys);
        KAFKA.createTopic(OffersContract.V1.topic(), 2);
        byte[] key = KeyCodec.encode(OffersContract.V1, KEY);
        byte[] response = new OfferResponseWriter(OffersContract.V1)
                .write("SKU-7", "eu", "EUR", "gold", "kettle", "kitchen", 100, 2, "", 0, 1, 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            OffersContract.V1.topic(),
                            key,
                            ResponseEnvelopes.encode(OffersContract.V1, key, 1, 1_000_000L, response)))
                    .get();
        }
        store = ResponseStores.open(StoreConfig.of(dir.resolve("store"), KAFKA.bootstrapServers()));
        store.addVersion(OffersContract.V1, Set.of(0, 1));
        store.makeCurrent("offers", 1);
        assertThat(store.awaitCaughtUp("offers", 1, Duration.ofSeconds(60))).isTrue();
        node = new ServingNode();
        port = node.start(
                store,
                ServingConfig.of(Map.of(
                        ServingConfig.PORT,
                        "0",
                        ServingConfig.IO_THREADS,
                        "1",
                        ServingConfig.TLS_KEYSTORE_FILE,
                        nodeKeys.toString(),
                        ServingConfig.TLS_KEYSTORE_PASSWORD,
                        PASSWORD,
                        ServingConfig.TLS_TRUSTSTORE_FILE,
                        trust.toString(),
                        ServingConfig.TLS_TRUSTSTORE_PASSWORD,
                        PASSWORD,
                        ServingConfig.TLS_CLIENT_AUTH,
                        "required")));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static MatstoreClientBuilder builder(String host) {
        return MatstoreClient.builder()
                .bootstrap(List.of(URI.create("https://" + host + ":" + port)))
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(10));
    }

    @Test
    void shouldLookUpOverMutualTls() {
        try (MatstoreClient client = builder("127.0.0.1")
                .trustStore(trust, PASSWORD)
                .clientCertificate(clientKeys, PASSWORD)
                .build()) {
            Lookup lookup = client.get("offers", KEY);

            assertThat(lookup.node()).isEqualTo(URI.create("https://127.0.0.1:" + port));
            assertThat(lookup.computedAtMicros()).isEqualTo(1_000_000L);
            assertThat(client.getJson("offers", KEY).json()).contains("\"title\":\"kettle\"");
        }
    }

    @Test
    void shouldTrustCertificatesGivenInCode() throws Exception {
        try (MatstoreClient client = builder("127.0.0.1")
                .trustedCertificates(SelfSignedKeyPair.certificate(nodeKeys, PASSWORD))
                .clientCertificate(clientKeys, PASSWORD)
                .build()) {
            assertThat(client.getJson("offers", KEY).json()).contains("\"sku\":\"SKU-7\"");
        }
    }

    @Test
    void shouldBeRefusedWithoutAClientCertificate() {
        assertThatThrownBy(() ->
                        builder("127.0.0.1").trustStore(trust, PASSWORD).build().close())
                .isInstanceOf(UnavailableException.class)
                .hasStackTraceContaining("Received fatal alert"); // the node's: bad_certificate on JDK 17
    }

    @Test
    void shouldRefuseANodeWhoseCertificateIsNotTrusted() {
        assertThatThrownBy(() -> builder("127.0.0.1")
                        .clientCertificate(clientKeys, PASSWORD)
                        .build()
                        .close())
                .as("the JDK's CAs only")
                .isInstanceOf(UnavailableException.class)
                .hasStackTraceContaining("PKIX");
    }

    @Test
    void shouldRefuseANodeWhoseCertificateDoesNotNameTheHostUnlessVerificationIsOff() {
        assertThatThrownBy(() -> builder("localhost")
                        .trustStore(trust, PASSWORD)
                        .clientCertificate(clientKeys, PASSWORD)
                        .build()
                        .close())
                .as("the certificate names 127.0.0.1, not localhost")
                .isInstanceOf(UnavailableException.class)
                .hasStackTraceContaining("localhost");

        try (MatstoreClient client = builder("localhost")
                .trustStore(trust, PASSWORD)
                .clientCertificate(clientKeys, PASSWORD)
                .hostnameVerification(false)
                .build()) {
            assertThat(client.getJson("offers", KEY).json()).contains("\"sku\":\"SKU-7\"");
        }
    }
}
