package io.matstore.precompute.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.SourceEvents;
import io.matstore.precompute.ViewRunner;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersSettings;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops endpoint in front of a real offers job on a real broker: readiness follows the Kafka Streams client, the
 * view counters and Kafka Streams metrics reach /metrics, a rejected event counts as a dead letter, and closing the
 * job then the endpoint turns the probes to 503 and then frees the port.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpsEndpointTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final String SOURCE = "ops.offers.events";
    private static final String[] OFFERS_V1 = {"view=\"offers\"", "version=\"1\""};

    @TempDir
    Path dir;

    private PrecomputeConfig config() {
        return PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS,
                KAFKA.bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC,
                SOURCE,
                PrecomputeConfig.DEAD_LETTER_TOPIC,
                SOURCE + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS,
                "2",
                PrecomputeConfig.STATE_DIR,
                dir.resolve("state").toString()));
    }

    private static String scrape(OpsEndpoint ops) throws IOException, InterruptedException {
        HttpResponse<String> metrics = OpsHttp.get(ops.url() + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return metrics.body();
    }

    @Test
    void shouldBeReadyOnceRunningCountEventsAndDeadLettersAndStopAnsweringWhenClosed() throws Exception {
        PrecomputeConfig config = config();
        ViewRunner.Running job = ViewRunner.start(OffersSettings.view(config), config);
        String url;
        try (job;
                OpsEndpoint ops = OpsEndpoint.start("127.0.0.1", 0, List.of(job))) {
            url = ops.url();
            assertThat(ops.port()).isPositive();
            assertThat(url).isEqualTo("http://127.0.0.1:" + ops.port());
            await("/readyz 200")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> OpsHttp.status(url + "/readyz") == 200);
            HttpResponse<String> ready = OpsHttp.get(url + "/readyz");
            assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"views\":{\"offers.v1\":\"RUNNING\"}}");
            assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
            HttpResponse<String> health = OpsHttp.get(url + "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"alive\",\"views\":{\"offers.v1\":\"RUNNING\"}}");

            String first = scrape(ops);
            assertThat(OpsHttp.sample(first, "matstore_precompute_ready", OFFERS_V1))
                    .hasValue(1.0);
            assertThat(OpsHttp.sample(first, "matstore_precompute_events_total", OFFERS_V1))
                    .hasValue(0.0);
            assertThat(first)
                    .contains(
                            "\nkafka_stream_",
                            "\njvm_memory_used_bytes{",
                            "\njvm_threads_live_threads ",
                            "\nprocess_uptime_seconds ",
                            "\nsystem_cpu_count ");

            SourceEvents.publish(
                    KAFKA.bootstrapServers(),
                    SOURCE,
                    List.of(
                            new OffersEvent.ProductUpserted("SKU-1", "t", "c", 1000),
                            new OffersEvent.ProductUpserted("SKU-2", "t", "c", 2000),
                            new OffersEvent.StockChanged("SKU-1", "eu", 5)));
            await("3 events in /metrics")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> OpsHttp.sample(scrape(ops), "matstore_precompute_events_total", OFFERS_V1)
                                    .orElse(0)
                            >= 3);
            String counted = scrape(ops);
            assertThat(OpsHttp.sample(counted, "matstore_precompute_emitted_total", OFFERS_V1)
                            .orElseThrow())
                    .isPositive();
            assertThat(OpsHttp.sample(counted, "matstore_precompute_dead_letters_total", OFFERS_V1))
                    .hasValue(0.0);
            assertThat(OpsHttp.sample(counted, "matstore_precompute_unchanged_total", OFFERS_V1))
                    .isPresent();
            assertThat(OpsHttp.sample(counted, "matstore_precompute_tombstones_total", OFFERS_V1))
                    .hasValue(0.0);
            assertThat(OpsHttp.sample(counted, "matstore_precompute_held_total", OFFERS_V1))
                    .hasValue(0.0);
            assertThat(OpsHttp.sample(counted, "matstore_precompute_fatal_errors_total", OFFERS_V1))
                    .hasValue(0.0);
            // No FX event, so no walk (ReplayFxFanOutTest sees it at 1 during one)
            assertThat(OpsHttp.sample(counted, "matstore_precompute_fanouts_pending", OFFERS_V1))
                    .hasValue(0.0);

            // OfferEventDecoder rejects a negative base price: the event goes to the dead-letter topic.
            SourceEvents.publish(
                    KAFKA.bootstrapServers(),
                    SOURCE,
                    List.of(new OffersEvent.ProductUpserted("SKU-BAD", "t", "c", -1)));
            await("a dead letter in /metrics")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> OpsHttp.sample(scrape(ops), "matstore_precompute_dead_letters_total", OFFERS_V1)
                                    .orElse(0)
                            == 1);

            HttpResponse<String> unknown = OpsHttp.get(url + "/nope");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).isEqualTo("{\"error\":\"not found\",\"path\":\"/nope\"}");
            HttpResponse<String> post = OpsHttp.send("POST", url + "/readyz");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");
            assertThat(post.body()).isEqualTo("{\"error\":\"method not allowed\",\"method\":\"POST\"}");

            job.close(); // the endpoint outlives it here, to show what it says about a stopped job
            HttpResponse<String> stopped = OpsHttp.get(url + "/readyz");
            assertThat(stopped.statusCode()).isEqualTo(503);
            assertThat(stopped.body())
                    .isEqualTo("{\"status\":\"not ready\",\"views\":{\"offers.v1\":\"NOT_RUNNING\"}}");
            assertThat(OpsHttp.get(url + "/healthz").statusCode()).isEqualTo(503);
            assertThat(OpsHttp.sample(scrape(ops), "matstore_precompute_ready", OFFERS_V1))
                    .hasValue(0.0);
        }
        assertThat(OpsHttp.status(url + "/readyz"))
                .as("closed: nothing answers")
                .isEqualTo(-1);
    }

    @Test
    void shouldRefuseAPortOutsideItsRangeAndABusyPortNamingTheAddress() {
        assertThatThrownBy(() -> OpsEndpoint.start("127.0.0.1", 65_536, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port=65536 is outside 0..65535");
        try (OpsEndpoint first = OpsEndpoint.start("127.0.0.1", 0, List.of())) {
            assertThatThrownBy(() -> OpsEndpoint.start("127.0.0.1", first.port(), List.of()))
                    .hasMessageStartingWith("cannot bind the ops endpoint to 127.0.0.1:" + first.port() + ": ");
        }
    }
}
