package io.matstore.it.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matstore.it.precompute.OffersReference;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.publish.Progress;
import io.matstore.precompute.publish.Publisher;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventFormat;
import io.matstore.views.offers.OffersJson;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersView;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole read path on real components: events published through the publish tool to a real broker, the offers
 * job on Kafka Streams, a response store ingesting the view topic into RocksDB and Chronicle Map files, and a serving
 * node on a real socket queried by a real HTTP client. The last test takes the broker away and gives it back.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 2;
    private static final long FRESHNESS_OBJECTIVE_MS = 1_500;

    @TempDir
    static Path dir;

    static ViewRunner.Running job;
    static VersionedResponseStore store;
    static ServingNode node;
    static HttpClient http;
    static String base;
    static Map<List<String>, OffersReference.Offer> expected;

    @BeforeAll
    static void startTheWholePipeline() throws Exception {
        String source = "e2e.offers.events";
        KAFKA.createTopic(source, PARTITIONS);
        DemoEventGenerator generator =
                new DemoEventGenerator(300, OffersView.DEFAULT_REGIONS, 42L, new DemoEventGenerator.Mix(10, 150));
        List<OffersEvent> events = new ArrayList<>();
        generator.catalogue(events::add);
        for (int i = 0; i < 1_000; i++) {
            events.add(generator.next());
        }
        Path file = dir.resolve("events.jsonl");
        Files.write(file, events.stream().map(OffersJson::format).toList(), StandardCharsets.UTF_8);
        OffersReference reference = new OffersReference(OffersView.DEFAULT_REGIONS);
        events.forEach(reference::apply);
        expected = reference.responses();

        PrecomputeConfig config = PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC, source,
                PrecomputeConfig.DEAD_LETTER_TOPIC, source + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS),
                PrecomputeConfig.STATE_DIR, dir.resolve("job").toString()));
        Publisher.publish(new OffersEventFormat(), config, source, file, Progress.NONE);
        job = ViewRunner.start(OffersSettings.view(config), config);

        store = ResponseStores.open(StoreConfig.of(dir.resolve("store"), KAFKA.bootstrapServers()));
        store.addVersion(OffersContract.V1, Set.of(0, 1));
        store.makeCurrent("offers", 1);
        node = new ServingNode();
        int port = node.start(
                store,
                ServingConfig.of(Map.of(
                        ServingConfig.PORT,
                        "0",
                        ServingConfig.STATUS_REFRESH_MS,
                        "100",
                        "view.offers." + ServingConfig.FRESHNESS_OBJECTIVE_MS,
                        Long.toString(FRESHNESS_OBJECTIVE_MS))));
        base = "http://127.0.0.1:" + port;
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        await("the served view equals the reference", 180, ServingEndToEndTest::servedViewEqualsReference);
    }

    @AfterAll
    static void stopEverything() {
        if (node != null) {
            node.close();
        }
        if (store != null) {
            store.close();
        }
        if (job != null) {
            job.close();
        }
    }

    @Test
    @Order(1)
    void shouldServeExactlyTheReferenceComputationOfEveryCombination() {
        assertThat(expected).hasSizeGreaterThan(2_000);
        assertThat(servedViewEqualsReference()).isTrue();
    }

    @Test
    @Order(2)
    void shouldRenderTheSameResponseAsFlatBuffersAndAsJson() throws Exception {
        int checked = 0;
        for (List<String> key : expected.keySet()) {
            if (checked++ == 100) {
                break;
            }
            HttpResponse<byte[]> fb = get(url(key), "application/x-flatbuffers");
            assertThat(fb.statusCode()).isEqualTo(200);
            assertThat(fb.headers().firstValue("Content-Type")).hasValue("application/x-flatbuffers");
            ResponseEnvelope envelope = ResponseEnvelopes.open(fb.body());
            assertThat(envelope.viewName()).isEqualTo("offers");
            assertThat(envelope.viewVersion()).isEqualTo(1);
            OfferResponse o =
                    OfferResponse.getRootAsOfferResponse(ByteBuffer.wrap(ResponseEnvelopes.responseBytes(envelope)));
            JsonNode json = JSON.readTree(get(url(key), "application/json").body());
            assertThat(o.sku()).isEqualTo(json.get("sku").asText());
            assertThat(o.region()).isEqualTo(json.get("region").asText());
            assertThat(o.currency()).isEqualTo(json.get("currency").asText());
            assertThat(o.tier()).isEqualTo(json.get("tier").asText());
            assertThat(o.title()).isEqualTo(json.get("title").asText());
            assertThat(o.category()).isEqualTo(json.get("category").asText());
            assertThat(o.priceMinor()).isEqualTo(json.get("price_minor").asLong());
            assertThat(o.minorUnits()).isEqualTo(json.get("minor_units").asInt());
            assertThat(o.promoId()).isEqualTo(json.get("promo_id").asText());
            assertThat(o.percentOff()).isEqualTo(json.get("percent_off").asInt());
            assertThat(o.quantity()).isEqualTo(json.get("quantity").asInt());
            assertThat(o.inStock()).isEqualTo(json.get("in_stock").asBoolean());
            assertThat(fb.headers().firstValue("ETag")).isPresent();
        }
    }

    @Test
    @Order(3)
    void shouldAnswerNotModifiedWhenTheETagStillMatches() throws Exception {
        List<String> key = expected.keySet().iterator().next();
        HttpResponse<byte[]> first = get(url(key), "application/json");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = http.send(
                HttpRequest.newBuilder(URI.create(url(key)))
                        .header("Accept", "application/json")
                        .header("If-None-Match", etag)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);
    }

    @Test
    @Order(4)
    void shouldRejectMalformedAndOversizedRequestsAndKeepServing() throws Exception {
        assertError(get(base + "/v1/views/offers?sku=SKU-000001&region=eu&currency=USD", "application/json"), 400);
        assertError(
                get(
                        base + "/v1/views/offers?sku=SKU-000001&region=eu&currency=USD&tier=gold&colour=red",
                        "application/json"),
                400);
        assertError(
                get(
                        base + "/v1/views/offers?sku=SKU-000001&sku=SKU-000002&region=eu&currency=USD&tier=gold",
                        "application/json"),
                400);
        assertError(get(base + "/v1/views/nope?sku=a", "application/json"), 404);
        assertError(
                get(base + "/v1/views/offers?sku=NO-SUCH-SKU&region=eu&currency=USD&tier=gold", "application/json"),
                404);
        assertError(
                get(
                        base + "/v1/views/offers?sku=" + "x".repeat(10_000) + "&region=eu&currency=USD&tier=gold",
                        "application/json"),
                414);
        HttpResponse<byte[]> hugeHeader = http.send(
                HttpRequest.newBuilder(URI.create(url(firstKey())))
                        .header("X-Padding", "y".repeat(20_000))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertError(hugeHeader, 431);

        assertThat(get(url(firstKey()), "application/json").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void shouldKeepAnsweringMarkedStaleWhileTheBrokerIsDownThenRecover() throws Exception {
        List<String> key = firstKey();
        assertThat(get(base + "/readyz", "application/json").statusCode()).isEqualTo(200);
        assertThat(get(url(key), "application/json").headers().firstValue("Age"))
                .as("caught up")
                .hasValue("0");

        KAFKA.kafka().stop();
        try {
            await("answers say ingest is failing", 60, () -> freshness(key).equals("stale; reason=ingest-error"));
            // Each retry of the ingest loop used to clear the error on an empty poll (no broker needed for that)
            // until its end-offsets call timed out 5 s later: freshness flapped for as long as the outage lasted.
            Awaitility.await("no flapping while the broker is down")
                    .during(Duration.ofSeconds(7))
                    .atMost(Duration.ofSeconds(9))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> freshness(key).equals("stale; reason=ingest-error"));
            HttpResponse<byte[]> stale = get(url(key), "application/json");
            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(Long.parseLong(stale.headers().firstValue("Age").orElseThrow()))
                    .as("seconds since ingest was last caught up")
                    .isGreaterThanOrEqualTo(7);
            JsonNode meta = JSON.readTree(stale.body()).get("_meta");
            assertThat(meta.get("stale").asBoolean()).isTrue();
            assertThat(JSON.readTree(stale.body()).get("price_minor").asLong())
                    .isEqualTo(expected.get(key).priceMinor());
            assertThat(get(url(key), "application/x-flatbuffers").statusCode()).isEqualTo(200);
            HttpResponse<byte[]> ready = get(base + "/readyz", "application/json");
            assertThat(ready.statusCode())
                    .as("a node that can answer stays ready")
                    .isEqualTo(200);
            assertThat(new String(ready.body(), StandardCharsets.UTF_8)).contains("answering stale");
        } finally {
            KAFKA.kafka().start();
        }

        await("answers are fresh again", 120, () -> freshness(key).equals("fresh"));
        await("Age is back to 0", 30, () -> {
            try {
                return get(url(key), "application/json")
                        .headers()
                        .firstValue("Age")
                        .orElse("")
                        .equals("0");
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static String freshness(List<String> key) {
        try {
            return get(url(key), "application/json")
                    .headers()
                    .firstValue("X-Matstore-Freshness")
                    .orElse("");
        } catch (Exception e) {
            return "";
        }
    }

    private static boolean servedViewEqualsReference() {
        try {
            for (Map.Entry<List<String>, OffersReference.Offer> e : expected.entrySet()) {
                HttpResponse<byte[]> r = get(url(e.getKey()), "application/json");
                if (r.statusCode() != 200) {
                    return false;
                }
                JsonNode j = JSON.readTree(r.body());
                OffersReference.Offer o = e.getValue();
                OffersReference.Offer served = OffersReference.Offer.fromV1Json(j);
                if (!served.equals(o)) {
                    return false;
                }
            }
            return true;
        } catch (Exception ex) {
            return false;
        }
    }

    private static List<String> firstKey() {
        return expected.keySet().iterator().next();
    }

    private static String url(List<String> key) {
        return base + "/v1/views/offers?sku=" + enc(key.get(0)) + "&region=" + enc(key.get(1)) + "&currency="
                + enc(key.get(2)) + "&tier=" + enc(key.get(3));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static HttpResponse<byte[]> get(String url, String accept) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Accept", accept)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int status(String url) {
        try {
            return get(url, "application/json").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void assertError(HttpResponse<byte[]> r, int status) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("code").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
    }

    private static void await(String what, long seconds, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(seconds))
                .pollInterval(Duration.ofMillis(250))
                .until(condition::getAsBoolean);
    }
}
