package io.matstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every role against a Kafka that demands SASL/SCRAM over TLS ({@code bin/matstore local-kafka --sasl-ssl}, whose keys
 * and certificate are made at start), configured only by the {@code matstore.properties} file it writes: the job
 * computes, publish sends, a node ingests and answers. With a wrong password each role ends at once with one line of
 * its own and exit code 1 instead of hanging.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecuredKafkaProcessTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final String PASSWORD = "matstore-secret-1";

    /** Static: instance fields get their directory only after {@code @BeforeAll} runs. */
    @TempDir
    static Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MatstoreProcess kafka;
    private MatstoreProcess job;
    private MatstoreProcess node;
    private String secured;
    private Path wrong;
    private Path events;

    @BeforeAll
    void startSecuredBroker() throws Exception {
        kafka = MatstoreProcess.start(
                dir,
                Map.of(),
                "local-kafka",
                "--data-dir",
                dir.resolve("kafka").toString(),
                "--port",
                "0",
                "--sasl-ssl",
                "matstore:" + PASSWORD);
        secured = kafka.awaitOutput(Pattern.compile("matstore.properties=(\\S+)"), START);
        wrong = Files.writeString(
                dir.resolve("wrong.properties"),
                Files.readString(Path.of(secured)).replace(PASSWORD, "not-the-password"));
        events = Files.writeString(dir.resolve("events.jsonl"), OffersExample.EVENTS);
    }

    @AfterAll
    void stopAll() {
        MatstoreProcess.closeAll(node, job, kafka);
    }

    @Test
    @Order(1)
    void everyRoleShouldWorkThroughTheSecuredListener() throws Exception {
        job = MatstoreProcess.start(
                dir,
                Map.of(),
                "precompute",
                "run",
                "--view",
                "offers",
                "-c",
                secured,
                "-s",
                "state.dir=" + dir.resolve("precompute"),
                "-s",
                "http.port=0");
        String ops = job.awaitOutput(Pattern.compile("ops endpoint on (http://\\S+)"), START);
        await("the job's /readyz")
                .atMost(START)
                .pollInterval(Duration.ofMillis(200))
                .failFast("precompute run exited", () -> !job.isAlive())
                .untilAsserted(
                        () -> assertThat(get(ops + "/readyz").statusCode()).isEqualTo(200));

        MatstoreProcess.Result publish =
                MatstoreProcess.run(dir, "precompute", "publish", "-c", secured, events.toString());
        assertThat(publish.exitCode()).as("%s", publish).isZero();

        node = MatstoreProcess.start(
                dir,
                Map.of(),
                "serve",
                "-c",
                secured,
                "-s",
                "serving.port=0",
                "-s",
                "store.data.dir=" + dir.resolve("store"));
        String url = "http://" + node.awaitOutput(Pattern.compile("serving on (127\\.0\\.0\\.1:\\d+)"), START);
        HttpResponse<String> offer = await("the example offer")
                .atMost(START)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> get(url + OffersExample.QUERY), r -> r.statusCode() == 200);
        OffersExample.assertAnswer(offer.body());
    }

    @Test
    @Order(2)
    void aWrongPasswordShouldEndEachRoleWithOneLine() {
        Duration bounded = Duration.ofSeconds(60);
        MatstoreProcess.Result publish = MatstoreProcess.run(
                dir, bounded, Map.of(), "precompute", "publish", "-c", wrong.toString(), events.toString());
        MatstoreProcess.Result run = MatstoreProcess.run(
                dir,
                bounded,
                Map.of(),
                "precompute",
                "run",
                "--view",
                "offers",
                "-c",
                wrong.toString(),
                "-s",
                "state.dir=" + dir.resolve("wrong-precompute"),
                "-s",
                "http.port=0");
        MatstoreProcess.Result serve = MatstoreProcess.run(
                dir,
                bounded,
                Map.of(),
                "serve",
                "-c",
                wrong.toString(),
                "-s",
                "serving.port=0",
                "-s",
                "store.data.dir=" + dir.resolve("wrong-store"));
        for (MatstoreProcess.Result r : new MatstoreProcess.Result[] {publish, run, serve}) {
            assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
            // Kafka's client logs the refusal too (a log line, kept: it names the broker); ours is the last line,
            // and there is no stack trace.
            List<String> lines = r.stderr().lines().toList();
            assertThat(lines.get(lines.size() - 1))
                    .as("%s", r)
                    .startsWith("cannot authenticate to Kafka: ")
                    .contains("invalid credentials with SASL mechanism SCRAM-SHA-256");
            assertThat(r.stderr()).as("%s", r).doesNotContain("\tat ", "Exception in thread");
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Accept", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
