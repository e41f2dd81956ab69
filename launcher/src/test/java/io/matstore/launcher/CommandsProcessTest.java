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
 * Every command README.md and docs/operations.md show, run as a user runs it ({@code bin/matstore ...} as a child
 * process) against one broker started with {@code bin/matstore local-kafka}: the precompute job computes the offers
 * view's own example, a serving node configured from a file, the environment and {@code -s} answers it, a rebuild
 * goes through every admin command, and bad input ends each command with one line and its exit code. One broker and
 * one instance of each long-running role serve the whole class, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CommandsProcessTest {
    private static final Duration START = Duration.ofSeconds(90);
    /** Static: instance fields get their directory only after {@code @BeforeAll} runs. */
    @TempDir
    static Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MatstoreProcess kafka;
    private MatstoreProcess job;
    private MatstoreProcess node;
    private String bootstrap;
    private String nodeUrl;
    private String adminUrl;
    private String adminToken;

    @BeforeAll
    void startBroker() {
        kafka = MatstoreProcess.start(
                dir,
                Map.of("MATSTORE_LOG_FORMAT", "json"),
                "local-kafka",
                "--data-dir",
                dir.resolve("kafka").toString(),
                "--port",
                "0");
        bootstrap = kafka.awaitOutput(Pattern.compile("Kafka is ready: bootstrap.servers=(\\S+)"), START);
    }

    @Test
    @Order(0)
    void logsShouldBeJsonLinesWhenAsked() {
        await("the broker's log")
                .atMost(START)
                .untilAsserted(() -> assertThat(kafka.stderr()).contains("Kafka ready at"));
        for (String line : kafka.stderr().lines().toList()) {
            assertThat(line)
                    .as("a JSON object per line")
                    .startsWith("{")
                    .endsWith("}")
                    .contains("\"level\":", "\"loggerName\":");
        }
        MatstoreProcess.Result bad =
                MatstoreProcess.run(dir, Duration.ofSeconds(60), Map.of("MATSTORE_LOG_FORMAT", "yaml"), "config-docs");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).isEqualTo("invalid configuration: MATSTORE_LOG_FORMAT=yaml is not text or json\n");
    }

    @AfterAll
    void stopAll() {
        MatstoreProcess.closeAll(node, job, kafka);
    }

    @Test
    @Order(1)
    void precomputeRunShouldStartTheOffersJob() {
        job = MatstoreProcess.start(
                dir,
                Map.of("MATSTORE_BOOTSTRAP_SERVERS", bootstrap),
                "precompute",
                "run",
                "--view",
                "offers",
                "-s",
                "state.dir=" + dir.resolve("precompute"),
                "-s",
                "http.port=0");
        String ops = job.awaitOutput(Pattern.compile("ops endpoint on (http://\\S+)"), START);
        await("the job's /readyz")
                .atMost(START)
                .pollInterval(Duration.ofMillis(200))
                .failFast("precompute run exited", () -> !job.isAlive())
                .untilAsserted(() ->
                        assertThat(get(ops + "/readyz", "*/*").statusCode()).isEqualTo(200));
        assertThat(job.isAlive()).as("%s", job).isTrue();
    }

    @Test
    @Order(2)
    void publishShouldSendEveryEventOfTheFile() throws Exception {
        Path events = Files.writeString(dir.resolve("events.jsonl"), OffersExample.EVENTS);
        MatstoreProcess.Result r = MatstoreProcess.run(
                dir, "precompute", "publish", "-s", "bootstrap.servers=" + bootstrap, events.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout())
                .isEqualTo("published " + OffersExample.EVENT_COUNT + " events from " + events + " to offers.events\n");
    }

    @Test
    @Order(3)
    void serveShouldAnswerTheComputedOfferWithSettingsFromAFileTheEnvironmentAndOverrides() throws Exception {
        Path settings = Files.writeString(
                dir.resolve("serve.properties"),
                String.join(
                        "\n",
                        "serving.port=0",
                        "serving.admin.port=0",
                        "store.data.dir=" + dir.resolve("store"),
                        "view.offers.max.age.seconds=2",
                        ""));
        node = MatstoreProcess.start(
                dir,
                Map.of("MATSTORE_VIEW_OFFERS_MAX_AGE_SECONDS", "5"),
                "serve",
                "-c",
                settings.toString(),
                "-s",
                "bootstrap.servers=" + bootstrap);
        nodeUrl = "http://" + node.awaitOutput(Pattern.compile("serving on (127\\.0\\.0\\.1:\\d+)"), START);
        adminUrl = "http://" + node.awaitOutput(Pattern.compile("admin endpoint on (127\\.0\\.0\\.1:\\d+)"), START);
        adminToken = node.awaitOutput(Pattern.compile("admin endpoint on \\S+ \\(bearer token: (\\S+)\\)"), START);

        HttpResponse<String> offer = awaitOffer(OffersExample.QUERY, OffersExample.PRICE);
        OffersExample.assertAnswer(offer.body());
        assertThat(offer.headers().firstValue("Cache-Control"))
                .as("the environment wins over the file")
                .hasValueSatisfying(v -> assertThat(v).startsWith("max-age=5,"));
    }

    @Test
    @Order(4)
    void getShouldAnswerThroughTheClientAndSayWhichNode() {
        MatstoreProcess.Result r = MatstoreProcess.run(
                dir, "get", "offers", "sku=SKU-1", "region=eu", "currency=EUR", "tier=gold", "--bootstrap", nodeUrl);
        assertThat(r.exitCode()).as("%s", r).isZero();
        OffersExample.assertAnswer(r.stdout());
        assertThat(r.stderr()).as("%s", r).startsWith("answered by ").contains("offers version 1");

        MatstoreProcess.Result missing = MatstoreProcess.run(
                dir, "get", "offers", "sku=NOPE", "region=eu", "currency=EUR", "tier=gold", "--bootstrap", nodeUrl);
        assertThat(missing.exitCode()).as("%s", missing).isEqualTo(1);
        assertThat(missing.stderr()).startsWith("not found: ");
        assertThat(missing.stderr().lines().count()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void generateShouldPublishBoundedDemoEvents() {
        MatstoreProcess.Result r = MatstoreProcess.run(
                dir,
                "precompute",
                "generate",
                "--publish",
                "--count",
                "200",
                "--products",
                "20",
                "-s",
                "bootstrap.servers=" + bootstrap);
        assertThat(r.exitCode()).as("%s", r).isZero();
        // --count bounds the steady mix after the catalogue (products, their stock, the currencies).
        assertThat(r.stdout()).matches("published \\d+ events to offers.events\n");
        assertThat(Long.parseLong(r.stdout().split(" ")[1])).isGreaterThan(200 + 20);
    }

    @Test
    @Order(6)
    void replayAndEveryAdminCommandShouldMoveTheNodeToVersion2AndBack() throws Exception {
        try (MatstoreProcess replay = MatstoreProcess.start(
                dir,
                Map.of(),
                "precompute",
                "replay",
                "--view",
                "offers",
                "--version",
                "2",
                "-s",
                "bootstrap.servers=" + bootstrap,
                "-s",
                "state.dir=" + dir.resolve("replay"),
                "-s",
                "http.port=0")) {
            replay.awaitOutput(Pattern.compile("replay offers v2 reached the captured end: "), START);

            assertThat(admin("load", "offers", "2").exitCode()).isZero();
            await("v2 loaded")
                    .atMost(START)
                    .pollInterval(Duration.ofMillis(300))
                    .untilAsserted(() -> assertThat(admin("status").stdout())
                            .contains("\"version\":2,\"current\":false,\"loaded\":true,"));
            MatstoreProcess.Result validate = admin("validate", "offers", "2");
            assertThat(validate.exitCode()).as("%s", validate).isZero();
            assertThat(admin("swap", "offers", "2").exitCode()).isZero();
            assertThat(awaitOffer(OffersExample.QUERY, "\"list_price_minor\":").body())
                    .as("v2's own field")
                    .contains(OffersExample.PRICE);
            assertThat(admin("rollback", "offers").exitCode()).isZero();
            assertThat(get(nodeUrl + OffersExample.QUERY, "application/json").body())
                    .doesNotContain("list_price_minor");
            assertThat(admin("swap", "offers", "2").exitCode()).isZero();
            MatstoreProcess.Result retire = admin("retire", "offers", "1");
            assertThat(retire.exitCode()).as("%s", retire).isZero();
            assertThat(admin("status").stdout()).doesNotContain("\"version\":1,");
        }
    }

    @Test
    @Order(7)
    void badSettingsShouldEndEveryRoleWithOneLineAndExitCode2() {
        MatstoreProcess.Result typo = MatstoreProcess.run(dir, "serve", "-s", "serving.prot=1");
        assertThat(typo.exitCode()).as("%s", typo).isEqualTo(2);
        assertThat(typo.stderr())
                .isEqualTo("invalid configuration: unknown setting \"serving.prot\" in --set"
                        + " serving.prot; did you mean \"serving.port\"? (bin/matstore config-docs serve lists every"
                        + " setting)\n");

        MatstoreProcess.Result range =
                MatstoreProcess.run(dir, "precompute", "run", "--view", "offers", "-s", "num.stream.threads=0");
        assertThat(range.exitCode()).as("%s", range).isEqualTo(2);
        assertThat(range.stderr())
                .isEqualTo("invalid configuration: Invalid value 0 for configuration"
                        + " num.stream.threads: Value must be at least 1\n");

        Path missing = dir.resolve("missing.properties");
        MatstoreProcess.Result file =
                MatstoreProcess.run(dir, "precompute", "publish", "-c", missing.toString(), "events.jsonl");
        assertThat(file.exitCode()).as("%s", file).isEqualTo(2);
        assertThat(file.stderr())
                .isEqualTo("invalid configuration: configuration file " + missing + " does not exist\n");

        MatstoreProcess.Result kafkaSetting = MatstoreProcess.run(
                dir, "precompute", "replay", "--view", "offers", "--version", "2", "-s", "kafka.security.protocl=SSL");
        assertThat(kafkaSetting.exitCode()).as("%s", kafkaSetting).isEqualTo(2);
        assertThat(kafkaSetting.stderr()).contains("did you mean \"kafka.security.protocol\"?");
    }

    @Test
    @Order(8)
    void publishShouldRefuseAMalformedOrMissingFileWhole() throws Exception {
        Path bad = Files.writeString(
                dir.resolve("bad.jsonl"),
                OffersExample.EVENTS
                        + "{\"type\":\"ProductUpserted\",\"sku\":\"SKU-2\",\"title\":\"x\",\"category\":\"c\","
                        + "\"base_price_usd_cents\":-5}\n");
        MatstoreProcess.Result r = MatstoreProcess.run(
                dir, "precompute", "publish", "-s", "bootstrap.servers=" + bootstrap, bad.toString());
        assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
        assertThat(r.stderr())
                .startsWith(bad + ": 1 invalid line(s); nothing was sent\n")
                .contains("line 5")
                .contains("base_price_usd_cents");
        assertThat(r.stdout()).isEmpty();

        Path missing = dir.resolve("nope.jsonl");
        MatstoreProcess.Result none = MatstoreProcess.run(
                dir, "precompute", "publish", "-s", "bootstrap.servers=" + bootstrap, missing.toString());
        assertThat(none.exitCode()).as("%s", none).isEqualTo(2);
        assertThat(none.stderr()).isEqualTo("cannot read " + missing + ": no such file\n");
    }

    @Test
    @Order(9)
    void configDocsShouldPrintDocsConfigurationMd() throws Exception {
        MatstoreProcess.Result r = MatstoreProcess.run(dir, "config-docs");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout())
                .as("docs/configuration.md is generated: bin/matstore config-docs >" + " docs/configuration.md")
                .isEqualTo(Files.readString(MatstoreProcess.ROOT.resolve("docs").resolve("configuration.md")));
        MatstoreProcess.Result precompute = MatstoreProcess.run(dir, "precompute", "config-docs");
        assertThat(precompute.exitCode()).isZero();
        assertThat(r.stdout()).contains(precompute.stdout());
        MatstoreProcess.Result unknown = MatstoreProcess.run(dir, "config-docs", "servce");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).isEqualTo("unknown role \"servce\"; roles with settings: [precompute, serve]\n");
    }

    @Test
    @Order(10)
    void adminShouldSayWhenTheNodeCannotBeReached() {
        MatstoreProcess.Result r = MatstoreProcess.run(dir, "admin", "status", "--url", "http://127.0.0.1:1");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.stderr()).startsWith("cannot reach http://127.0.0.1:1: ");
        assertThat(r.stderr().lines().count()).isEqualTo(1);
    }

    @Test
    @Order(11)
    void aRoleShouldParseAloneWhileTheBareCommandStillListsEveryRole() {
        // bin/matstore builds only the role its first argument names (a third of a node's start went to building all)
        MatstoreProcess.Result serve = MatstoreProcess.run(dir, "serve", "--help");
        assertThat(serve.exitCode()).as("%s", serve).isZero();
        assertThat(serve.stdout()).startsWith("Usage: matstore serve ").contains("--set");
        MatstoreProcess.Result all = MatstoreProcess.run(dir, "--help");
        assertThat(all.exitCode()).as("%s", all).isZero();
        assertThat(all.stdout())
                .startsWith("Usage: matstore ")
                .contains("Precomputation pipeline and materialized-response store.")
                .contains("  serve ", "  precompute ", "  admin ", "  local ");
    }

    private MatstoreProcess.Result admin(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "admin";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--url";
        all[args.length + 2] = adminUrl;
        all[args.length + 3] = "--token";
        all[args.length + 4] = adminToken;
        return MatstoreProcess.run(dir, all);
    }

    private HttpResponse<String> awaitOffer(String query, String fragment) {
        return await("an offer with " + fragment)
                .atMost(START)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> get(nodeUrl + query, "application/json"),
                        r -> r.statusCode() == 200 && r.body().contains(fragment));
    }

    private HttpResponse<String> get(String url, String accept) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Accept", accept)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
