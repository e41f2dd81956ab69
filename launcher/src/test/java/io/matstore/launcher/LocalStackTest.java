package io.matstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.views.offers.DemoEventGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code bin/matstore local}, as a user runs it: a process that starts everything, answers both views
 * (offers and category-deals) over HTTP, stops cleanly on SIGTERM (Ctrl-C), and comes back warm from the same data
 * directory, answering at once; a second version the node was told to hold gets its job on the restart, so it loads
 * and stays live.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LocalStackTest {
    private static final Pattern SERVING = Pattern.compile("serving node listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Pattern ADMIN = Pattern.compile(
            "admin endpoint +(http://127\\.0\\.0\\.1:\\d+) +\\(loopback" + " only; bearer token (\\S+)\\)");
    private static final String QUERY =
            "/v1/views/offers?sku=" + DemoEventGenerator.sku(1) + "&region=eu&currency=USD&tier=gold";

    private static final String DEALS_QUERY =
            "/v1/views/category-deals?category=cat-00&region=eu&currency=USD" + "&tier=gold";

    @TempDir
    Path dir;

    private final Map<Integer, MatstoreProcess> runs = new HashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldServeStopCleanlyAndRestartWarm() throws Exception {
        Path data = dir.resolve("data");
        MatstoreProcess first = start(data, 0);
        try {
            String base = awaitServingUrl(first, 0);
            HttpResponse<String> json = awaitOffer(base, "application/json");
            assertThat(json.body()).contains("\"sku\":\"" + DemoEventGenerator.sku(1) + "\"", "\"tier\":\"gold\"");
            assertThat(json.headers().firstValue("ETag")).isPresent();
            // the second view, found on the class path like the first, from the same demo events
            HttpResponse<String> deals = awaitOffer(base, DEALS_QUERY, "application/json");
            assertThat(deals.body())
                    .startsWith("{\"category\":\"cat-00\",\"region\":\"eu\",")
                    .contains("\"deals\":[");
            awaitReady(base);
            HttpResponse<String> load = http.send(
                    HttpRequest.newBuilder(URI.create(adminUrl(0) + "/admin/views/offers/versions/2/load"))
                            .header("Authorization", "Bearer " + adminToken(0))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(load.statusCode()).as(load.body()).isEqualTo(202);
        } finally {
            stop(first);
        }
        assertThat(data.resolve("store").resolve("offers").resolve("v1").resolve("nearcache.clean"))
                .as("a clean stop leaves the near-cache trusted; log: %s", log(0))
                .exists();

        MatstoreProcess second = start(data, 1);
        try {
            String base = awaitServingUrl(second, 1);
            HttpResponse<byte[]> fb = http.send(
                    request(base + QUERY, "application/x-flatbuffers"), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fb.statusCode())
                    .as("answers from the kept store at once")
                    .isEqualTo(200);
            assertThat(fb.body()).isNotEmpty();
            awaitLog(1, "running the job of offers v2 too: the node holds it");
            awaitStatus(adminUrl(1), adminToken(1), "\"version\":2,\"current\":false,\"loaded\":true,");
            HttpResponse<String> v2 = awaitOffer(base, QUERY + "&version=2", "application/json");
            assertThat(v2.body()).as("v2's own field").contains("\"list_price_minor\":");
        } finally {
            stop(second);
        }
    }

    private MatstoreProcess start(Path data, int run) {
        MatstoreProcess p = MatstoreProcess.start(
                dir,
                Map.of(),
                "local",
                "--data-dir",
                data.toString(),
                "--kafka-port",
                "0",
                "--http-port",
                "0",
                "--admin-port",
                "0",
                "--products",
                "100",
                "--rate",
                "20",
                "--demo-seconds",
                "60",
                "--ready-timeout",
                "90");
        runs.put(run, p);
        return p;
    }

    private String log(int run) {
        MatstoreProcess p = runs.get(run);
        return p.stdout() + p.stderr();
    }

    private String awaitServingUrl(MatstoreProcess p, int run) throws Exception {
        try {
            return await("serving URL printed")
                    .atMost(Duration.ofSeconds(150))
                    .pollInterval(POLL)
                    .failFast("matstore local exited", () -> !p.isAlive())
                    .until(
                            () -> {
                                Matcher m = SERVING.matcher(log(run));
                                return m.find() ? m.group(1) : null;
                            },
                            Objects::nonNull);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + ": " + log(run), e);
        }
    }

    private String adminToken(int run) throws Exception {
        adminUrl(run);
        Matcher m = ADMIN.matcher(log(run));
        assertThat(m.find()).as(log(run)).isTrue();
        return m.group(2);
    }

    private String adminUrl(int run) throws Exception {
        awaitLog(run, "matstore local stack is up");
        Matcher m = ADMIN.matcher(log(run));
        assertThat(m.find()).as(log(run)).isTrue();
        return m.group(1);
    }

    private void awaitLog(int run, String line) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(POLL)
                .untilAsserted(() -> assertThat(log(run)).contains(line));
    }

    private void awaitStatus(String admin, String token, String fragment) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(POLL)
                .untilAsserted(() -> assertThat(http.send(
                                        HttpRequest.newBuilder(URI.create(admin + "/admin/status"))
                                                .header("Authorization", "Bearer " + token)
                                                .timeout(Duration.ofSeconds(10))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body())
                        .contains(fragment));
    }

    private HttpResponse<String> awaitOffer(String base, String accept) {
        return awaitOffer(base, QUERY, accept);
    }

    private HttpResponse<String> awaitOffer(String base, String query, String accept) {
        return await("an offer at " + query)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(POLL)
                .until(() -> get(base + query, accept), r -> r.statusCode() == 200);
    }

    private void awaitReady(String base) {
        await("ready")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(POLL)
                .untilAsserted(() ->
                        assertThat(get(base + "/readyz", "*/*").statusCode()).isEqualTo(200));
    }

    private HttpResponse<String> get(String url, String accept) throws Exception {
        return http.send(request(url, accept), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String url, String accept) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Accept", accept)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    private void stop(MatstoreProcess p) {
        p.close(); // SIGTERM, as Ctrl-C would; fails the test if it does not end in 60 s
    }
}
