package io.matstore.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.it.precompute.OffersReference;
import io.matstore.it.precompute.OffersSource;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.ops.OpsEndpoint;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersView;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules and the dashboard query only what the project exports: a real precompute job with its ops endpoint and
 * a real serving node over a real store, on one broker, are fed a few offers events and scraped; every metric name
 * of every expression under {@code ops/} must be a sample name of one of the two scrapes ({@code up} excepted:
 * Prometheus records it). The broker is this class's own: the offers job's application id and view topic are fixed,
 * so it must not share them with another suite.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MonitoredMetricsEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final String SOURCE = "ops.offers.events";
    private static final int PARTITIONS = 2;

    @TempDir
    static Path dir;

    static ViewRunner.Running job;
    static OpsEndpoint ops;
    static VersionedResponseStore store;
    static ServingNode node;
    static HttpClient http;
    static String servingUrl;

    @BeforeAll
    static void startAJobAndANodeThatServesItsView() throws Exception {
        KAFKA.createTopic(SOURCE, PARTITIONS);
        PrecomputeConfig config = PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC, SOURCE,
                PrecomputeConfig.DEAD_LETTER_TOPIC, SOURCE + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS),
                PrecomputeConfig.STATE_DIR, dir.resolve("job").toString()));
        job = ViewRunner.start(OffersSettings.view(config), config);
        ops = OpsEndpoint.start("127.0.0.1", 0, List.of(job));

        node = new ServingNode();
        store = ResponseStores.open(
                StoreConfig.of(dir.resolve("store"), KAFKA.bootstrapServers()), node.meterRegistry());
        store.addVersion(OffersContract.V1, Set.of(0, 1));
        store.makeCurrent("offers", 1);
        int port = node.start(
                store,
                ServingConfig.of(Map.of(
                        ServingConfig.PORT, "0",
                        ServingConfig.STATUS_REFRESH_MS, "100")));
        servingUrl = "http://127.0.0.1:" + port;
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stopEverything() {
        if (node != null) {
            node.close();
        }
        if (store != null) {
            store.close();
        }
        if (ops != null) {
            ops.close();
        }
        if (job != null) {
            job.close();
        }
    }

    @Test
    void shouldExportEveryMetricTheRulesAndTheDashboardQuery() throws Exception {
        Set<String> referenced = OpsFiles.referencedMetricNames();
        assertThat(referenced)
                .as("metric names found in ops/ expressions")
                .contains("up", "matstore_freshness_seconds_bucket", "matstore_precompute_dead_letters_total");

        DemoEventGenerator generator =
                new DemoEventGenerator(5, OffersView.DEFAULT_REGIONS, 7L, new DemoEventGenerator.Mix(10, 150));
        List<OffersEvent> events = new ArrayList<>();
        generator.catalogue(events::add);
        for (int i = 0; i < 50; i++) {
            events.add(generator.next());
        }
        try (KafkaProducer<byte[], byte[]> producer = OffersSource.producer(KAFKA.bootstrapServers())) {
            events.forEach(e -> OffersSource.send(producer, SOURCE, e));
        }
        OffersReference reference = new OffersReference(OffersView.DEFAULT_REGIONS);
        events.forEach(reference::apply);
        List<String> key = reference.responses().keySet().iterator().next();
        String url = servingUrl + "/v1/views/offers?sku=" + enc(key.get(0)) + "&region=" + enc(key.get(1))
                + "&currency=" + enc(key.get(2)) + "&tier=" + enc(key.get(3));
        await("the node answers a key of the view", 120, () -> status(url) == 200);
        await("the node is ready", 30, () -> status(servingUrl + "/readyz") == 200);
        await("the job is ready", 30, () -> status(ops.url() + "/readyz") == 200);
        System.gc(); // the GC pause timers appear with the first GC notification

        Set<String> exported = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        // Meters Kafka registers late (after a first fetch or commit) reach the registries on the binders' refresh.
        await(
                "every referenced metric in a scrape",
                90,
                () -> {
                    exported.clear();
                    exported.addAll(sampleNames(scrape(servingUrl + "/metrics")));
                    exported.addAll(sampleNames(scrape(ops.url() + "/metrics")));
                    missing.clear();
                    missing.addAll(referenced);
                    missing.removeAll(exported);
                    missing.remove("up");
                    return missing.isEmpty();
                },
                () -> "missing " + missing);
        assertThat(missing).isEmpty();
    }

    /** The sample names of a Prometheus text exposition: the name of every non-comment line. */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private static String scrape(String url) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (Exception e) {
            return "";
        }
    }

    private static int status(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Accept", "application/json")
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void await(String what, long seconds, Callable<Boolean> condition) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(seconds))
                .pollInterval(Duration.ofMillis(250))
                .until(condition);
    }

    private static void await(String what, long seconds, Callable<Boolean> condition, Supplier<String> onTimeout) {
        try {
            await(what, seconds, condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": " + onTimeout.get(), e);
        }
    }
}
