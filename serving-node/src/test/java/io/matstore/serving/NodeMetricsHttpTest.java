package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics of a real node over a real store (opened with the node's registry) and broker, scraped over HTTP: the
 * node's, the store's, the Kafka consumer's and the JVM's metric families, freshness measured from record
 * timestamps, readiness, and a retired version leaving nothing behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeMetricsHttpTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();
    /** A view of its own: the shared broker's offers topics belong to other tests. */
    private static final ViewDescriptor V1 = ViewDescriptor.of("nodemetrics", 1, "id");

    private static final ViewDescriptor V2 = V1.withVersion(2);

    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void shouldServeTheFamiliesOfNodeStoreConsumerAndJvmAndForgetARetiredVersion() throws Exception {
        KAFKA.createTopic(V1.topic(), 2, Map.of("cleanup.policy", "compact"));
        KAFKA.createTopic(V2.topic(), 2, Map.of("cleanup.policy", "compact"));
        ServingNode node = new ServingNode();
        VersionedResponseStore store = ResponseStores.open(
                StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(1_000, 1 << 20), node.meterRegistry());
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < 20; i++) {
                send(producer, V1, i, System.currentTimeMillis());
                send(producer, V2, i, System.currentTimeMillis());
            }
            producer.flush();
            int port = node.start(
                    store,
                    ServingConfig.of(Map.of(
                            ServingConfig.PORT,
                            "0",
                            ServingConfig.IO_THREADS,
                            "1",
                            ServingConfig.STATUS_REFRESH_MS,
                            "50",
                            ServingConfig.VIEWS,
                            V1.name(),
                            "view.nodemetrics.freshness.objective.ms",
                            "5000")));
            assertThat(value(scrape(port), "matstore_ready"))
                    .as("no version held yet")
                    .isEqualTo(0);

            store.addVersion(V1, Set.of(0, 1));
            store.makeCurrent(V1.name(), 1);
            assertThat(store.awaitCaughtUp(V1.name(), 1, Duration.ofSeconds(60)))
                    .isTrue();
            long twoSecondsAgo = System.currentTimeMillis() - 2_000;
            for (int i = 0; i < 10; i++) {
                send(producer, V1, i, twoSecondsAgo);
            }
            producer.flush();
            String v1 = "version=\"1\"";
            String view = "view=\"nodemetrics\"";
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> value(scrape(port), "matstore_freshness_seconds_count", view, v1) == 10);
            await().atMost(Duration.ofSeconds(30)).until(() -> value(scrape(port), "matstore_ready") == 1);

            String metrics = scrape(port);
            System.out.println(metrics);
            assertThat(value(metrics, "matstore_freshness_seconds_bucket", view, v1, "le=\"1.0\""))
                    .isZero();
            assertThat(value(metrics, "matstore_freshness_seconds_bucket", view, v1, "le=\"3600.0\""))
                    .isEqualTo(10);
            assertThat(value(metrics, "matstore_freshness_seconds_sum", view, v1))
                    .isGreaterThanOrEqualTo(20.0);
            assertThat(value(metrics, "matstore_freshness_seconds_max", view, v1))
                    .isBetween(2.0, 60.0);
            assertThat(value(metrics, "matstore_freshness_objective_seconds", view))
                    .isEqualTo(5.0);
            assertThat(value(metrics, "matstore_ingest_errors_total", view, v1)).isZero();
            assertThat(value(metrics, "matstore_ingest_failing", view, v1)).isZero();
            assertThat(value(metrics, "matstore_rocksdb_block_cache_hits_total", view, v1))
                    .isNotNaN();
            assertThat(value(metrics, "matstore_rocksdb_block_cache_misses_total", view, v1))
                    .isNotNaN();
            assertThat(value(metrics, "matstore_rocksdb_write_stall_seconds_total", view, v1))
                    .isZero();
            assertThat(value(metrics, "matstore_rocksdb_write_stopped", view, v1))
                    .isZero();
            assertThat(value(metrics, "matstore_rocksdb_pending_compaction_bytes", view, v1))
                    .isNotNaN();
            assertThat(value(metrics, "matstore_ingest_lag_records", view, v1, "partition=\"0\""))
                    .isNotNaN();
            assertThat(metrics.lines()
                            .filter(l -> l.startsWith("kafka_consumer_") && l.contains(view) && l.contains(v1)))
                    .as("the ingest consumer's client metrics")
                    .isNotEmpty();
            for (String family : new String[] {
                "jvm_memory_used_bytes{",
                "jvm_gc_",
                "jvm_threads_live_threads ",
                "jvm_classes_loaded_classes ",
                "process_cpu_usage ",
                "system_cpu_count ",
                "process_uptime_seconds ",
                "matstore_http_requests_seconds_bucket{"
            }) {
                assertThat(metrics.lines().anyMatch(l -> l.startsWith(family)))
                        .as(family)
                        .isTrue();
            }

            // Retire v1 behind v2: none of its series survive, v2's are there.
            store.addVersion(V2, Set.of(0, 1));
            assertThat(store.awaitCaughtUp(V2.name(), 2, Duration.ofSeconds(60)))
                    .isTrue();
            store.makeCurrent(V2.name(), 2);
            store.dropVersion(V1.name(), 1);
            node.refreshStatus();
            String after = scrape(port);
            assertThat(after.lines().filter(l -> !l.startsWith("#") && l.contains(view) && l.contains(v1)))
                    .as("series of the retired version")
                    .isEmpty();
            assertThat(value(after, "matstore_rocksdb_block_cache_hits_total", view, "version=\"2\""))
                    .isNotNaN();
            assertThat(value(after, "matstore_freshness_seconds_count", view, "version=\"2\""))
                    .isZero();
            assertThat(after.lines().anyMatch(l -> l.startsWith("kafka_consumer_") && l.contains("version=\"2\"")))
                    .isTrue();
        } finally {
            node.close(); // before the store: its status refresh reads the store
            store.close();
        }
    }

    private String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of the first sample of {@code name} carrying every given label, or NaN when there is none. */
    static double value(String scrape, String name, String... labels) {
        return scrape.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> {
                    for (String label : labels) {
                        if (!l.contains(label)) {
                            return false;
                        }
                    }
                    return true;
                })
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(Double.NaN);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, ViewDescriptor view, int i, long timestamp) {
        byte[] key = KeyCodec.encode(view, "k" + i);
        byte[] envelope = ResponseEnvelopes.encode(view, key, i, timestamp * 1000, new byte[] {(byte) i});
        producer.send(new ProducerRecord<>(view.topic(), null, timestamp, key, envelope));
    }
}
