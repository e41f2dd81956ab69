package io.matstore.it.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.it.precompute.OffersReference;
import io.matstore.it.precompute.OffersSource;
import io.matstore.it.precompute.OffersViewTopic;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.replay.Replay;
import io.matstore.precompute.replay.ReplayOptions;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole rebuild workflow, as an operator runs it against a serving node under load: v1 serves; events keep
 * arriving; v2 (the offers view with {@code list_price_minor}) is replayed from the source topic, loaded by the node in
 * bulk through the admin endpoint, validated and swapped in while HTTP clients keep asking; then rolled back and
 * forward again. No client may see an error or a v2 answer before the swap, and v2 must end equal to the reference.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RebuildEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final int PARTITIONS = 2;
    private static final List<String> REGIONS = OffersView.DEFAULT_REGIONS;
    private static final String SOURCE = "it.rebuild.offers.events";
    private static final int LOAD_THREADS = 2;

    @TempDir
    Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String adminToken;
    private final List<OffersEvent> published = new ArrayList<>();

    private PrecomputeConfig config(int version) {
        return PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC, SOURCE,
                PrecomputeConfig.DEAD_LETTER_TOPIC, SOURCE + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS),
                PrecomputeConfig.STATE_DIR, dir.resolve("state-v" + version).toString(),
                PrecomputeConfig.VIEW_VERSION, Integer.toString(version)));
    }

    @Test
    void shouldSwapToARebuiltVersionUnderLoadWithoutAnErrorAndRollBackAndForward() throws Exception {
        KAFKA.createTopic(SOURCE, PARTITIONS);
        DemoEventGenerator generator =
                new DemoEventGenerator(200, REGIONS, 20_261_123L, new DemoEventGenerator.Mix(6, 150));
        generator.catalogue(published::add);
        for (int i = 0; i < 800; i++) {
            published.add(generator.next());
        }
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicReference<Throwable> publisherFailure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = OffersSource.producer(KAFKA.bootstrapServers());
                ViewRunner.Running v1 = ViewRunner.start(OffersSettings.view(config(1)), config(1));
                VersionedResponseStore store =
                        ResponseStores.open(StoreConfig.of(dir.resolve("store"), KAFKA.bootstrapServers()))) {
            published.forEach(e -> OffersSource.send(producer, SOURCE, e));
            producer.flush();
            store.addVersion(OffersContract.V1, Set.of(0, 1));
            store.makeCurrent("offers", 1);
            ServingNode node = new ServingNode();
            try {
                int port = node.start(
                        store,
                        ServingConfig.of(Map.of(
                                ServingConfig.PORT,
                                "0",
                                ServingConfig.ADMIN_PORT,
                                "0",
                                ServingConfig.STATUS_REFRESH_MS,
                                "100")));
                String base = "http://127.0.0.1:" + port;
                String admin = "http://127.0.0.1:" + node.adminPort() + "/admin/views/offers";
                adminToken = node.adminToken();
                Map<List<String>, OffersReference.Offer> initial = expected(1);
                awaitStoreEquals(store, 1, initial);
                List<String> queries = alwaysInSpace(initial);

                // Events keep arriving for the whole rebuild. No deletions, so every queried key stays in the
                // space; no new currency, so the two versions, each following the stream, never differ by a whole
                // currency's combinations when they are validated against each other.
                Set<String> currencies = new HashSet<>();
                published.forEach(e -> {
                    if (e instanceof OffersEvent.FxRateChanged fx) {
                        currencies.add(fx.currency());
                    }
                });
                Thread publisher = new Thread(
                        () -> {
                            try {
                                while (publishing.get()) {
                                    OffersEvent e = generator.next();
                                    boolean newCurrency = e instanceof OffersEvent.FxRateChanged fx
                                            && !currencies.contains(fx.currency());
                                    if (!(e instanceof OffersEvent.ProductDeleted) && !newCurrency) {
                                        synchronized (published) {
                                            published.add(e);
                                        }
                                        OffersSource.send(producer, SOURCE, e);
                                    }
                                    Thread.sleep(5);
                                }
                                producer.flush();
                            } catch (Throwable t) {
                                publisherFailure.set(t);
                            }
                        },
                        "it-publisher");
                publisher.start();

                Load load = new Load(base, queries);
                load.start();
                try (Replay replay =
                        Replay.start(OffersSettings.view(config(2)), config(2), ReplayOptions.fromBeginning())) {
                    assertThat(replay.awaitCaughtUp(Duration.ofSeconds(90)))
                            .as("replay caught up; %s", replay.progress())
                            .isTrue();
                    assertThat(v1.streams().state())
                            .as("v1's job runs on beside the replay")
                            .isEqualTo(KafkaStreams.State.RUNNING);

                    HttpResponse<String> loading = post(admin + "/versions/2/load?mode=bulk");
                    assertThat(loading.statusCode()).as(loading.body()).isEqualTo(202);
                    assertThat(store.awaitCaughtUp("offers", 2, Duration.ofSeconds(60)))
                            .as("v2 loaded and caught up: %s", store.status("offers", 2))
                            .isTrue();
                    assertThat(load.answersOf(2))
                            .as("nobody is answered from v2 before the swap")
                            .isZero();

                    // Both versions follow a live stream (re-created products add combinations): allow one to be a
                    // little ahead of the other. Exact equality is checked against the reference at the end.
                    String tolerance = "?max_count_difference=0.1&max_missing_ratio=0.1&catch_up_timeout_ms=20000";
                    HttpResponse<String> validated = post(admin + "/versions/2/validate" + tolerance);
                    assertThat(validated.headers().firstValue("X-Matstore-Validation"))
                            .as(validated.body())
                            .contains("passed");

                    load.swapping.set(true);
                    HttpResponse<String> swapped = post(admin + "/versions/2/swap" + tolerance);
                    assertThat(swapped.statusCode()).as(swapped.body()).isEqualTo(200);
                    load.awaitAnswersOf(2, 200);

                    HttpResponse<String> rolledBack = post(admin + "/rollback");
                    assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
                    long v1Before = load.answersOf(1);
                    load.awaitAnswersOf(1, v1Before + 200);

                    HttpResponse<String> forward = post(admin + "/versions/2/swap" + tolerance);
                    assertThat(forward.statusCode()).as(forward.body()).isEqualTo(200);
                    long v2Before = load.answersOf(2);
                    load.awaitAnswersOf(2, v2Before + 200);
                    load.stop();

                    assertThat(load.failures)
                            .as("non-2xx answers or broken bodies under load")
                            .isEmpty();
                    assertThat(load.total.get()).isGreaterThan(1_000);

                    publishing.set(false);
                    publisher.join(30_000);
                    assertThat(publisherFailure.get()).isNull();
                    awaitStoreEquals(store, 2, expected(2));

                    HttpResponse<String> retired = post(admin + "/versions/1/retire");
                    assertThat(retired.statusCode()).as(retired.body()).isEqualTo(200);
                    assertThat(get(base + queries.get(0)).headers().firstValue("X-Matstore-View-Version"))
                            .contains("2");
                } finally {
                    load.stop();
                }
            } finally {
                publishing.set(false);
                node.close();
            }
        }
    }

    private Map<List<String>, OffersReference.Offer> expected(int version) {
        OffersReference reference = new OffersReference(REGIONS, version);
        synchronized (published) {
            published.forEach(reference::apply);
        }
        return reference.responses();
    }

    /** Queries for the USD combinations of every product that exists now (the stream deletes none from here on). */
    private static List<String> alwaysInSpace(Map<List<String>, OffersReference.Offer> view) {
        List<String> queries = new ArrayList<>();
        for (List<String> key : view.keySet()) {
            if (key.get(2).equals("USD")) {
                queries.add("/v1/views/offers?sku=" + key.get(0) + "&region=" + key.get(1) + "&currency=USD&tier="
                        + key.get(3));
            }
        }
        assertThat(queries).hasSizeGreaterThan(500);
        return queries;
    }

    /** Every expected key read from the store's version, and no other key stored. */
    private static void awaitStoreEquals(
            VersionedResponseStore store, int version, Map<List<String>, OffersReference.Offer> expected)
            throws Exception {
        ViewReader reader = store.version("offers", version);
        ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);
        ByteBuffer dst = ByteBuffer.allocateDirect(64 * 1024);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<List<String>, OffersReference.Offer> actual;
        long stored;
        do {
            Thread.sleep(500);
            actual = new HashMap<>();
            for (List<String> k : expected.keySet()) {
                byte[] keyBytes = KeyCodec.encode(reader.descriptor(), k);
                key.clear();
                key.put(keyBytes).flip();
                dst.clear();
                int n = reader.read(key, dst);
                if (n != ViewReader.NOT_FOUND) {
                    byte[] envelope = new byte[n];
                    dst.get(0, envelope);
                    actual.put(k, OffersViewTopic.offer(reader.descriptor(), keyBytes, envelope));
                }
            }
            stored = store.countEntries("offers", version);
        } while ((!actual.equals(expected) || stored != expected.size()) && System.nanoTime() < deadline);
        OffersViewTopic.assertSameView(actual, expected);
        assertThat(stored).as("no extra key stored in v%d", version).isEqualTo(expected.size());
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** An admin command: the node's token, parameters in the query, an empty JSON object body. */
    private HttpResponse<String> post(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + adminToken)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * HTTP clients asking for random in-space keys without pinning a version, checking every answer: 200, a
     * whole envelope of the version its header names, and no v2 before the first swap was asked for.
     */
    private final class Load {
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicBoolean swapping = new AtomicBoolean();
        final AtomicLong total = new AtomicLong();
        private final AtomicLong[] byVersion = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger alive = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private final String base;
        private final List<String> queries;

        Load(String base, List<String> queries) {
            this.base = base;
            this.queries = queries;
        }

        void start() {
            for (int i = 0; i < LOAD_THREADS; i++) {
                Thread t = new Thread(this::run, "it-load-" + i);
                threads.add(t);
                alive.incrementAndGet();
                t.start();
            }
        }

        private void run() {
            try {
                while (running.get()) {
                    String query = queries.get(ThreadLocalRandom.current().nextInt(queries.size()));
                    check(query, get(base + query));
                }
            } catch (Exception e) {
                failures.add("client failed: " + e);
            } finally {
                alive.decrementAndGet();
            }
        }

        private void check(String query, HttpResponse<byte[]> r) {
            total.incrementAndGet();
            if (r.statusCode() != 200) {
                failures.add(r.statusCode() + " for " + query + ": " + new String(r.body()));
                return;
            }
            int header = Integer.parseInt(
                    r.headers().firstValue("X-Matstore-View-Version").orElse("0"));
            int inBody = ResponseEnvelopes.open(r.body()).viewVersion();
            if (header != inBody || header < 1 || header > 2) {
                failures.add("version header " + header + " but envelope of v" + inBody + " for " + query);
                return;
            }
            if (header == 2 && !swapping.get()) {
                failures.add("v2 answered before the swap: " + query);
            }
            byVersion[header].incrementAndGet();
        }

        long answersOf(int version) {
            return byVersion[version].get();
        }

        void awaitAnswersOf(int version, long atLeast) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (answersOf(version) < atLeast && System.nanoTime() < deadline && alive.get() > 0) {
                Thread.sleep(20);
            }
            assertThat(answersOf(version))
                    .as("answers of v%d; failures: %s", version, failures)
                    .isGreaterThanOrEqualTo(atLeast);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(15_000);
            }
        }
    }
}
