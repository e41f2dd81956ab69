package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import io.matstore.views.offers.OffersContract;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint on a real node over a real store and broker: who may call it, and the rebuild workflow
 * (load, validate, swap, rollback, retire) over HTTP while clients keep reading through the public port.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminHttpTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final int SKUS = 200;
    private static final String TOKEN = "t0ken";
    /** What every admin command needs besides its path (see AdminSafetyHttpTest). */
    private static final String RAW_COMMAND_HEADERS =
            "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n";

    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private VersionedResponseStore openStore() {
        return ResponseStores.open(
                StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(1_000, 1 << 20));
    }

    private static ServingConfig config(Map<String, String> extra) {
        Map<String, String> raw = new HashMap<>(Map.of(
                ServingConfig.PORT,
                "0",
                ServingConfig.IO_THREADS,
                "2",
                ServingConfig.ADMIN_PORT,
                "0",
                ServingConfig.STATUS_REFRESH_MS,
                "50",
                ServingConfig.ADMIN_TOKEN,
                TOKEN));
        raw.putAll(extra);
        return ServingConfig.of(raw);
    }

    /** Adds the bearer token unless given, and to a POST an empty JSON object body. */
    private HttpResponse<String> call(String method, int port, String path, String... headers)
            throws IOException, InterruptedException {
        boolean post = method.equals("POST");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, post ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        if (!java.util.Arrays.asList(headers).contains("Authorization")) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        if (post) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRefuseToStartOnANonLoopbackAddressWithoutAToken() {
        assertThatThrownBy(() ->
                        ServingConfig.of(Map.of(ServingConfig.ADMIN_PORT, "0", ServingConfig.ADMIN_HOST, "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("serving.admin.host=0.0.0.0 is not a loopback address and serving.admin.token is empty:"
                        + " set a token to expose the admin endpoint beyond this machine");
        assertThat(config(Map.of(ServingConfig.ADMIN_HOST, "0.0.0.0", ServingConfig.ADMIN_TOKEN, "t"))
                        .adminToken())
                .isEqualTo("t");
        assertThat(ServingConfig.of(Map.of()).adminPort())
                .as("off unless asked for")
                .isEqualTo(-1);
    }

    @Test
    void shouldListenOnLoopbackOnlyByDefault() throws Exception {
        try (VersionedResponseStore store = openStore();
                ServingNode node = new ServingNode()) {
            node.start(store, config(Map.of()));
            assertThat(node.adminPort()).isPositive();
            HttpResponse<String> status = call("GET", node.adminPort(), "/admin/status");
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).isEqualTo("{\"versions\":[],\"quarantined\":[]}");
            InetAddress external = nonLoopbackAddress();
            if (external != null) {
                try (Socket s = new Socket()) {
                    assertThatThrownBy(() -> s.connect(new InetSocketAddress(external, node.adminPort()), 2_000))
                            .isInstanceOf(ConnectException.class);
                }
            }
        }
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a;
                }
            }
        }
        return null;
    }

    @Test
    void shouldAnswer401WithoutTheBearerToken() throws Exception {
        try (VersionedResponseStore store = openStore();
                ServingNode node = new ServingNode()) {
            node.start(store, config(Map.of(ServingConfig.ADMIN_TOKEN, "s3cret")));
            HttpResponse<String> none = call("GET", node.adminPort(), "/admin/status");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"matstore-admin\"");
            assertThat(none.body()).startsWith("{\"error\":{\"code\":\"unauthorized\",\"message\":");
            assertThat(call("POST", node.adminPort(), "/admin/views/offers/rollback", "Authorization", "Bearer wrong")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(call("GET", node.adminPort(), "/admin/status", "Authorization", "Bearer s3cret")
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldAnswerErrorsAsJson() throws Exception {
        try (VersionedResponseStore store = openStore();
                ServingNode node = new ServingNode()) {
            node.start(store, config(Map.of()));
            int port = node.adminPort();
            assertError(call("GET", port, "/admin/nothing"), 404, "unknown_path");
            assertError(call("GET", port, "/admin/views/offers/versions/2/swap"), 405, "method_not_allowed");
            assertError(call("POST", port, "/admin/status"), 405, "method_not_allowed");
            assertError(call("POST", port, "/admin/views/offers/versions/x/swap"), 400, "bad_parameter");
            assertError(call("POST", port, "/admin/views/offers/versions/2/swap"), 404, "version_not_held");
            assertError(call("POST", port, "/admin/views/offers/versions/2/retire"), 404, "version_not_held");
            assertError(call("POST", port, "/admin/views/offers/rollback"), 409, "no_previous_version");
            assertError(call("POST", port, "/admin/views/offers/versions/2/load"), 400, "missing_parameter");
            assertError(
                    call(
                            "POST",
                            port,
                            "/admin/views/offers/versions/2/load?mode=fast&partitions=0" + "&dimensions=sku"),
                    400,
                    "bad_parameter");
            HttpResponse<String> bad = call("POST", port, "/admin/views/offers/versions/2/validate?samples=0");
            assertError(bad, 404, "version_not_held");
            // A query the decoder refuses (decoded on the command thread) is answered, not left hanging.
            String badEscape = pipelined(
                    port,
                    "POST /admin/views/offers/versions/2/load?partitions=%zz HTTP/1.1\r\n" + "Host: 127.0.0.1:" + port
                            + "\r\n" + RAW_COMMAND_HEADERS + "Connection: close\r\n\r\n{}");
            assertThat(badEscape).startsWith("HTTP/1.1 400 ").contains("{\"error\":{\"code\":\"bad_request\"");
        }
    }

    /**
     * A first boot while the broker cannot be reached: the node holds its first version but none of it is loaded,
     * so it answers 503 (never a 404 for a key that may exist); a second version still loading is not readable by
     * pinning and cannot be swapped in, even forced.
     */
    @Test
    void shouldNeverAnswerFromOrSwapToAVersionThatIsStillLoading() throws Exception {
        String unreachable;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unreachable = "127.0.0.1:" + closed.getLocalPort();
        }
        ViewDescriptor v2 = OffersContract.V1.withVersion(2);
        try (VersionedResponseStore store = ResponseStores.open(StoreConfig.of(dataDir, unreachable));
                ServingNode node = new ServingNode()) {
            store.addVersion(OffersContract.V1, Set.of(0));
            store.makeCurrent("offers", 1);
            store.addVersion(v2, Set.of(0));
            int port = node.start(store, config(Map.of()));
            String key = "/v1/views/offers?sku=SKU-1&region=eu&currency=EUR&tier=gold";

            HttpResponse<String> unpinned = call("GET", port, key);
            assertProblem(unpinned, 503, "not_ready");
            assertThat(unpinned.body()).contains("version 1 of view offers is still loading on this node");
            assertThat(unpinned.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> pinned = call("GET", port, key + "&version=2");
            assertProblem(pinned, 503, "version_loading");
            assertThat(pinned.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> batch = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/views/offers/batch?version=2"))
                            .POST(HttpRequest.BodyPublishers.ofString("sku=SKU-1&region=eu&currency=EUR&tier=gold\n"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertProblem(batch, 503, "version_loading");

            HttpResponse<String> forced =
                    call("POST", node.adminPort(), "/admin/views/offers/versions/2/swap?force=true");
            assertError(forced, 409, "version_loading");
            assertThat(forced.body()).contains("view offers version 2 is still loading");
            assertThat(call("GET", node.adminPort(), "/admin/status").body())
                    .contains("{\"view\":\"offers\",\"version\":1,\"current\":true,\"loaded\":false,")
                    .contains("{\"view\":\"offers\",\"version\":2,\"current\":false,\"loaded\":false,");
            HttpResponse<String> ready = call("GET", port, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("version 1 cannot answer yet: its first load is under way");
            assertThat(store.current("offers").descriptor().version()).isEqualTo(1);

            // A validation waiting for v2 to catch up holds the command thread, not the admin listener.
            var validation = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort()
                                    + "/admin/views/offers/versions/2/validate?catch_up_timeout_ms=4000"))
                            .header("Authorization", "Bearer " + TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300); // let it start: the assertion holds either way, this makes it discriminate
            assertThat(call("GET", node.adminPort(), "/admin/status").statusCode())
                    .isEqualTo(200);
            assertThat(validation)
                    .as("status answered while the validation still waits")
                    .isNotDone();
            HttpResponse<String> report = validation.get(30, TimeUnit.SECONDS);
            assertThat(report.headers().firstValue("X-Matstore-Validation"))
                    .as(report.body())
                    .hasValue("failed");

            // Pipelined on one connection, a status behind a validation is answered after it (HTTP/1.1 order).
            String answers = pipelined(
                    node.adminPort(),
                    "POST /admin/views/offers/versions/2/validate?catch_up_timeout_ms=1000 HTTP/1.1\r\n"
                            + "Host: 127.0.0.1:" + node.adminPort() + "\r\n" + RAW_COMMAND_HEADERS + "\r\n{}"
                            + "GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1:" + node.adminPort() + "\r\n"
                            + "Authorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n");
            assertThat(answers.indexOf("\"candidate\":2"))
                    .as(answers)
                    .isPositive()
                    .isLessThan(answers.indexOf("{\"versions\":["));
        }
    }

    /** Writes raw requests on one connection and reads until the node closes it. */
    private static String pipelined(int port, String requests) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** An error of the HTTP listener: RFC 9457 problem details. */
    private static void assertProblem(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body())
                .startsWith("{\"type\":\"about:blank\",")
                .contains("\"status\":" + status + ",")
                .endsWith(",\"code\":\"" + code + "\"}");
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).startsWith("{\"error\":{\"code\":\"" + code + "\",\"message\":\"");
    }

    @Test
    void shouldLoadValidateSwapRollBackAndRetireOverHttpWhileClientsRead() throws Exception {
        ViewDescriptor v1 = OffersContract.V1;
        ViewDescriptor v2 = ViewDescriptor.of("offers", 2, "sku", "region", "currency", "tier");
        ViewDescriptor v3 = ViewDescriptor.of("offers", 3, "sku", "region", "currency", "tier");
        for (ViewDescriptor v : new ViewDescriptor[] {v1, v2, v3}) {
            KAFKA.createTopic(v.topic(), 2, Map.of("cleanup.policy", "compact"));
        }
        publish(v1, false);
        publish(v2, false);
        publish(v3, true);
        try (VersionedResponseStore store = openStore();
                ServingNode node = new ServingNode()) {
            store.addVersion(v1, Set.of(0, 1));
            store.makeCurrent("offers", 1);
            assertThat(store.awaitCaughtUp("offers", 1, Duration.ofSeconds(60))).isTrue();
            int port = node.start(store, config(Map.of()));
            int admin = node.adminPort();

            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicLong answers = new AtomicLong();
            Map<Integer, Long> failures = new ConcurrentHashMap<>();
            Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
            Thread reader = new Thread(() -> readUntilStopped(port, reading, answers, failures, versionsSeen));
            reader.start();
            try {
                HttpResponse<String> load = call("POST", admin, "/admin/views/offers/versions/2/load");
                assertThat(load.statusCode()).as(load.body()).isEqualTo(202);
                assertThat(load.body()).startsWith("{\"view\":\"offers\",\"version\":2,\"mode\":\"bulk\",\"status\":{");
                awaitLive(store, 2);

                HttpResponse<String> valid = call("POST", admin, "/admin/views/offers/versions/2/validate");
                assertThat(valid.statusCode()).isEqualTo(200);
                assertThat(valid.headers().firstValue("X-Matstore-Validation"))
                        .as(valid.body())
                        .hasValue("passed");
                assertThat(valid.body())
                        .startsWith("{\"view\":\"offers\",\"candidate\":2,\"current\":1,\"passed\":true")
                        .contains("{\"name\":\"validator:offers-response\",\"passed\":true,\"numbers\":{\"checked\":"
                                + SKUS + ",\"failed\":0}");

                HttpResponse<String> swap = call("POST", admin, "/admin/views/offers/versions/2/swap");
                assertThat(swap.statusCode()).as(swap.body()).isEqualTo(200);
                assertThat(swap.body())
                        .startsWith("{\"view\":\"offers\",\"current\":2,\"previous\":1,\"forced\":false,"
                                + "\"validation\":{");
                assertThat(store.current("offers").descriptor().version()).isEqualTo(2);

                HttpResponse<String> back = call("POST", admin, "/admin/views/offers/rollback");
                assertThat(back.body()).isEqualTo("{\"view\":\"offers\",\"current\":1,\"previous\":2}");
                assertThat(call("POST", admin, "/admin/views/offers/versions/2/swap")
                                .statusCode())
                        .isEqualTo(200);

                // A candidate whose responses are filed under the wrong keys is refused; current keeps serving.
                assertThat(call("POST", admin, "/admin/views/offers/versions/3/load?mode=live")
                                .statusCode())
                        .isEqualTo(202);
                awaitLive(store, 3);
                HttpResponse<String> refused = call("POST", admin, "/admin/views/offers/versions/3/swap");
                assertThat(refused.statusCode()).isEqualTo(409);
                assertThat(refused.body())
                        .startsWith("{\"error\":{\"code\":\"validation_failed\",\"message\":"
                                + "\"version 3 of view offers failed validation; the current version keeps serving"
                                + " (force=true swaps anyway)\"},\"validation\":{\"view\":\"offers\",\"candidate\":3,"
                                + "\"current\":2,\"passed\":false")
                        .contains("{\"name\":\"validator:offers-response\",\"passed\":false,\"numbers\":{\"checked\":"
                                + SKUS + ",\"failed\":" + SKUS + "}")
                        .contains("sku WRONG is not the key's SKU-");
                assertThat(store.current("offers").descriptor().version()).isEqualTo(2);

                assertError(call("POST", admin, "/admin/views/offers/versions/2/retire"), 409, "version_is_current");
                HttpResponse<String> retire = call("POST", admin, "/admin/views/offers/versions/1/retire");
                assertThat(retire.body()).isEqualTo("{\"view\":\"offers\",\"retired\":1}");
                assertThat(store.version("offers", 1)).isNull();
                assertThat(call("GET", port, "/v1/views/offers?sku=SKU-1&region=eu&currency=EUR&tier=gold&version=1")
                                .statusCode())
                        .isEqualTo(404);
                HttpResponse<String> status = call("GET", admin, "/admin/status");
                assertThat(status.body())
                        .contains("{\"view\":\"offers\",\"version\":2,\"current\":true,"
                                + "\"loaded\":true,\"phase\":\"LIVE\",\"loaded_records\":" + SKUS
                                + ",\"load_target_records\":" + SKUS)
                        .doesNotContain("\"version\":1,");
            } finally {
                reading.set(false);
                reader.join();
            }
            assertThat(failures).as("non-2xx answers by status").isEmpty();
            assertThat(answers.get()).isPositive();
            assertThat(versionsSeen).contains("1", "2");
        }
    }

    private static void awaitLive(VersionedResponseStore store, int version) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    ViewStatus s = store.status("offers", version);
                    assertThat(s.phase()).as("version %d live: %s", version, s).isEqualTo(ViewStatus.Phase.LIVE);
                    assertThat(s.lastCaughtUpMillis())
                            .as("version %d caught up: %s", version, s)
                            .isPositive();
                });
    }

    private void readUntilStopped(
            int port,
            AtomicBoolean reading,
            AtomicLong answers,
            Map<Integer, Long> failures,
            Set<String> versionsSeen) {
        int i = 0;
        while (reading.get()) {
            String path = "/v1/views/offers?sku=SKU-" + (i++ % SKUS) + "&region=eu&currency=EUR&tier=gold";
            try {
                HttpResponse<String> r = call("GET", port, path);
                if (r.statusCode() != 200) {
                    failures.merge(r.statusCode(), 1L, Long::sum);
                }
                r.headers().firstValue("X-Matstore-View-Version").ifPresent(versionsSeen::add);
                answers.incrementAndGet();
            } catch (IOException e) {
                failures.merge(-1, 1L, Long::sum);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One offer per sku in the view's topic; {@code wrongSku} files each response under another sku. */
    private static void publish(ViewDescriptor view, boolean wrongSku) {
        Map<String, Object> p = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                "false",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                "1");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < SKUS; i++) {
                Offers.Offer offer = new Offers.Offer(
                        "SKU-" + i, "eu", "EUR", "gold", "Item " + i, "kitchen", 100 + i, 2, "", 0, 1, true);
                byte[] envelope = wrongSku
                        ? new Offers.Offer("WRONG", "eu", "EUR", "gold", "x", "x", 1, 2, "", 0, 1, true)
                                .envelope(view, i, 1)
                        : offer.envelope(view, i, 1);
                // the envelope of a wrong offer carries the wrong key too; file it under the right one
                producer.send(new ProducerRecord<>(
                        view.topic(), offer.key(view), wrongSku ? rekey(view, offer.key(view), envelope) : envelope));
            }
            producer.flush();
        }
    }

    /** The same response in an envelope carrying {@code key}, so only the view's own validator can object. */
    private static byte[] rekey(ViewDescriptor view, byte[] key, byte[] envelope) {
        var e = io.matstore.schemas.ResponseEnvelopes.open(envelope);
        return io.matstore.schemas.ResponseEnvelopes.encode(
                view,
                key,
                e.contentHash(),
                e.computedAtMicros(),
                io.matstore.schemas.ResponseEnvelopes.responseBytes(e));
    }
}
