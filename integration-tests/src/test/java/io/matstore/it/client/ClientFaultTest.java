package io.matstore.it.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.client.Lookup;
import io.matstore.client.LookupResult;
import io.matstore.client.MatstoreClient;
import io.matstore.client.MatstoreClientBuilder;
import io.matstore.client.MatstoreClientException;
import io.matstore.client.NodeStats;
import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.Partitioner;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.views.offers.OfferResponseWriter;
import io.matstore.views.offers.OffersContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's resilience under faults, against a real cluster: two cells of two real serving nodes over real
 * stores on the real broker, each node behind a {@link FaultProxy} on 127.0.0.1 that it advertises as its URL, so
 * every fault is injected between the client and a real node. One cluster for the class; each test builds its own
 * client, sends a bounded number of lookups (at most a few thousand, a few seconds) and puts the proxies back.
 *
 * <p>Each scenario adds a line to {@code target/client-faults.tsv} (scenario, lookups, success ratio, p50 and p99
 * in ms); with {@code -Dmatstore.faults.svg=<file>} the class also draws them ({@link FaultPlot}), which is how
 * docs/client-faults.svg is made (docs/client.md has the command).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientFaultTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final int PARTITIONS = 4;
    private static final int KEYS = 200;
    private static final List<String> REPORT = new ArrayList<>();

    @TempDir
    static Path dir;

    private static EventLoopGroup proxyLoops;
    private static final List<FaultProxy> proxies = new ArrayList<>();
    private static TwoCells cells;
    private static final List<Map<String, String>> cellA = new ArrayList<>();
    private static final List<Map<String, String>> cellB = new ArrayList<>();
    private static final List<Map<String, String>> all = new ArrayList<>();
    private final List<MatstoreClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        KAFKA.createTopic(OffersContract.V1.topic(), PARTITIONS);
        OfferResponseWriter writer = new OfferResponseWriter(OffersContract.V1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < KEYS; i++) {
                Map<String, String> k = ClientEndToEndTest.key(i);
                byte[] keyBytes = KeyCodec.encode(OffersContract.V1, k);
                producer.send(new ProducerRecord<>(
                        OffersContract.V1.topic(),
                        keyBytes,
                        ResponseEnvelopes.encode(
                                OffersContract.V1,
                                keyBytes,
                                i,
                                1_000_000L * i,
                                writer.write(
                                        k.get("sku"),
                                        k.get("region"),
                                        "EUR",
                                        "gold",
                                        "title " + i,
                                        "kitchen",
                                        100 + i,
                                        2,
                                        "",
                                        0,
                                        i,
                                        0))));
                all.add(k);
            }
        }
        proxyLoops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        List<URI> advertised = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            FaultProxy p = FaultProxy.start(proxyLoops);
            proxies.add(p);
            advertised.add(p.url());
        }
        // max-age 0 and no stale-while-revalidate: a cached key is revalidated on every lookup, so stale-if-error is
        // what answers it when its cell is down (the node's defaults, 1 s and 30 s, would answer it from the cache)
        cells = TwoCells.start(
                dir,
                KAFKA.bootstrapServers(),
                "client-faults",
                PARTITIONS,
                advertised,
                Map.of("view.offers.max.age.seconds", "0", "view.offers.stale.while.revalidate.seconds", "0"));
        for (int i = 0; i < 4; i++) {
            proxies.get(i).target(cells.urls.get(i).getPort());
        }
        for (Map<String, String> k : all) {
            int partition = Partitioner.partition(KeyCodec.encode(OffersContract.V1, k), PARTITIONS);
            (cells.ownersOf(partition).equals(cells.urls.subList(0, 2)) ? cellA : cellB).add(k);
        }
        try (MatstoreClient c = builder().build()) {
            Awaitility.await("every node ingested its cell's keys")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> c.getAll("offers", all).stream().allMatch(LookupResult::found));
        }
    }

    /** The client bootstraps from a node's own port (never faulted) and learns the proxies' URLs from the table. */
    private static MatstoreClientBuilder builder() {
        return MatstoreClient.builder()
                .bootstrap(List.of(cells.urls.get(3)))
                .refreshInterval(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(2));
    }

    private MatstoreClient client(MatstoreClientBuilder b) {
        MatstoreClient c = b.build();
        clients.add(c);
        return c;
    }

    @AfterEach
    void restore() throws InterruptedException {
        clients.forEach(MatstoreClient::close);
        for (FaultProxy p : proxies) {
            p.revive();
        }
    }

    @AfterAll
    static void stop() throws IOException {
        proxies.forEach(FaultProxy::close);
        if (cells != null) {
            cells.close();
        }
        if (proxyLoops != null) {
            proxyLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        Path tsv = Path.of("target", "client-faults.tsv");
        Files.createDirectories(tsv.getParent());
        Files.write(tsv, REPORT);
        String svg = System.getProperty("matstore.faults.svg");
        if (svg != null) {
            Files.writeString(Path.of(svg), FaultPlot.svg(REPORT));
        }
        REPORT.forEach(System.out::println);
    }

    @Test
    void shouldFailNoLookupWhenAReplicaIsKilledUnderLoad() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MatstoreClient client = client(builder().meterRegistry(meters));
        Run.of(client, all, 500, 16, null); // warm-up: connections, JIT
        Run healthy = Run.of(client, all, 1000, 16, null);
        Run run = Run.of(client, all, 3000, 16, i -> {
            if (i == 1000) {
                kill(0);
            }
        });
        report("healthy, 16 in flight", healthy);
        report("kill -9 of one replica", run);
        assertThat(run.failures).as("failed lookups, by code").isEmpty();
        assertThat(proxies.get(0).requests()).isPositive();
        assertThat(client.nodeStats(proxies.get(0).url()).breakerOpened()).isPositive();
        String killed = proxies.get(0).url().toString();
        assertThat(meters.get("matstore_client_node_breaker_opened")
                        .tag("node", killed)
                        .gauge()
                        .value())
                .isPositive();
        assertThat(meters.get("matstore_client_retries").functionCounter().count())
                .isEqualTo(client.stats().retries())
                .isPositive();
        assertThat(meters.get("matstore_client_node_latency")
                        .tag("node", proxies.get(1).url().toString())
                        .timer()
                        .count())
                .isPositive();
        REPORT.add("# kill -9: " + client.stats() + "; "
                + client.nodeStats(proxies.get(0).url()));
    }

    @Test
    void shouldKeepRequestsToANodeAnswering503WithinTheRetryBudget() throws Exception {
        proxies.get(0).unavailable();
        proxies.get(1).unavailable();
        // breakers out of the way: what bounds the requests here is the retry budget alone
        MatstoreClient noBreakers = client(builder().circuitBreaker(1_000_000, Duration.ofSeconds(1)));
        long before = cellRequests();
        Run run = Run.of(noBreakers, cellA, 2000, 8, null);
        double amplification = (cellRequests() - before) / (double) run.issued;
        report("cell answering 503, no breakers", run);
        REPORT.add("# requests received / issued, budget only: " + amplification + "; " + noBreakers.stats());
        assertThat(run.failures.keySet()).containsOnly("not_ready");
        assertThat(amplification)
                .as("requests the 503 nodes received per lookup issued (budget 0.1 per success,"
                        + " 50 tokens, 2/s: <= 1 + 52/2000 here, slack to 1.15)")
                .isBetween(1.0, 1.15);
        assertThat(noBreakers.stats().retryBudgetExhausted()).isPositive();

        MatstoreClient withBreakers = client(builder());
        before = cellRequests();
        Run broken = Run.of(withBreakers, cellA, 2000, 8, null);
        double withBreakersRatio = (cellRequests() - before) / (double) broken.issued;
        report("cell answering 503", broken);
        REPORT.add("# requests received / issued, budget and breakers: " + withBreakersRatio);
        assertThat(broken.failures.keySet()).containsAnyOf("not_ready", "circuit_open");
        assertThat(withBreakersRatio).isLessThan(0.1);
    }

    @Test
    void shouldHedgeAroundASlowReplica() throws Exception {
        // a 10 ms hedge delay: on 2 shared cores the replicas' p99 moves with the other builds more than with the
        // nodes, and a delay below the moment's p99 spends the hedge budget on ordinary answers
        MatstoreClient hedged = client(builder().hedging(true, Duration.ofMillis(10), 0.05));
        MatstoreClient unhedged = client(builder().hedging(false));
        Run.of(hedged, cellA, 2000, 4, null); // warm-up: connections, JIT
        Run.of(unhedged, cellA, 2000, 4, null);
        Run healthy = Run.of(hedged, cellA, 2000, 4, null);
        proxies.get(0).delay(Duration.ofMillis(50));
        Run slowHedged = Run.of(hedged, cellA, 2000, 4, null);
        Run slowUnhedged = Run.of(unhedged, cellA, 2000, 4, null);
        report("healthy, 4 in flight", healthy);
        report("replica +50 ms, hedging", slowHedged);
        report("replica +50 ms, no hedging", slowUnhedged);
        REPORT.add("# hedging: " + hedged.stats());
        assertThat(slowHedged.failures).isEmpty();
        assertThat(hedged.stats().hedgesWon()).isPositive();
        assertThat(slowHedged.p99Micros)
                .as("hedged p99 vs healthy p99 " + healthy.p99Micros + " us: within 2x, or"
                        + " at least half the delay cut off")
                .isLessThanOrEqualTo(Math.max(2 * healthy.p99Micros, 25_000));
    }

    @Test
    void shouldFailOnlyTheKeysOfACellThatIsDown() throws Exception {
        MatstoreClient client = client(builder());
        Run.of(client, all, 400, 8, null);
        kill(0);
        kill(1);
        Run a = Run.of(client, cellA, 1000, 8, null);
        Run b = Run.of(client, cellB, 1000, 8, null);
        report("cell down: its keys", a);
        report("cell down: other cell's keys", b);
        assertThat(b.failures).isEmpty();
        assertThat(a.failed()).isEqualTo(a.issued);
        assertThat(a.failures.keySet()).isSubsetOf("unreachable", "circuit_open");
    }

    @Test
    void shouldAnswerTheKeysOfACellThatIsDownStaleFromTheCache() throws Exception {
        MatstoreClient client = client(builder().cache(1000));
        Run.of(client, all, all.size(), 8, null);
        Run.of(client, all, all.size(), 8, null);
        assertThat(client.stats().cacheRevalidated())
                .as("304s to If-None-Match")
                .isGreaterThanOrEqualTo(all.size());
        kill(0);
        kill(1);
        Run a = Run.of(client, cellA, 1000, 8, null);
        Run b = Run.of(client, cellB, 1000, 8, null);
        report("cell down, cache on: its keys", a);
        report("cell down, cache on: other cell's keys", b);
        REPORT.add("# cache: " + client.stats());
        assertThat(a.failures).isEmpty();
        assertThat(b.failures).isEmpty();
        assertThat(client.stats().cacheStaleIfError()).isEqualTo(1000);
        Lookup stale = client.get("offers", cellA.get(0));
        assertThat(stale.freshness().stale()).isTrue();
        assertThat(stale.freshness().reason()).isEqualTo("client-stale-if-error");
        assertThat(client.get("offers", cellB.get(0)).freshness().stale()).isFalse();
    }

    @Test
    void shouldLowerTheLimitOfASheddingNodeAndRaiseItAgainWithoutARetryStorm() throws Exception {
        MatstoreClient client = client(builder().hedging(false).concurrencyLimit(8, 2, 64, Duration.ofMillis(100)));
        URI shedding = proxies.get(0).url();
        Run.of(client, cellA, 500, 16, null);
        proxies.get(0).shed(2);
        long before = cellRequests();
        AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
        Run shed = Run.of(
                client,
                cellA,
                2000,
                16,
                i -> lowest.accumulateAndGet(client.nodeStats(shedding).concurrencyLimit(), Math::min));
        double amplification = (cellRequests() - before) / (double) shed.issued;
        NodeStats during = client.nodeStats(shedding);
        report("one replica shedding half", shed);
        REPORT.add("# shedding: requests received / issued " + amplification + ", lowest limit " + lowest.get() + ", "
                + during + "; " + client.stats());
        assertThat(during.limitDecreases()).isPositive();
        assertThat(lowest.get()).isLessThan(8);
        assertThat(amplification).as("no retry storm").isLessThan(1.15);

        proxies.get(0).pass();
        AtomicInteger rounds = new AtomicInteger();
        Awaitility.await("the limit recovers")
                .atMost(Duration.ofSeconds(15))
                .pollDelay(Duration.ZERO)
                .until(() -> {
                    rounds.incrementAndGet();
                    Run.of(client, cellA, 500, 16, null);
                    return client.nodeStats(shedding).concurrencyLimit() >= 8;
                });
        REPORT.add(
                "# shedding over: limit " + client.nodeStats(shedding) + " after " + rounds.get() * 500 + " lookups");
    }

    private static long cellRequests() {
        return proxies.get(0).requests() + proxies.get(1).requests();
    }

    private static void kill(int proxy) {
        try {
            proxies.get(proxy).kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void report(String scenario, Run r) {
        REPORT.add(scenario + "\t" + r.issued + "\t" + String.format("%.4f", 1 - r.failed() / (double) r.issued)
                + "\t" + String.format("%.2f", r.p50Micros / 1000.0) + "\t"
                + String.format("%.2f", r.p99Micros / 1000.0) + "\t" + r.failures);
    }

    /** A bounded load: {@code total} lookups of {@code keys} in turn, {@code concurrency} in flight. */
    record Run(int issued, Map<String, Integer> failures, long p50Micros, long p99Micros) {
        int failed() {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }

        static Run of(
                MatstoreClient client,
                List<Map<String, String>> keys,
                int total,
                int concurrency,
                IntConsumer beforeEach)
                throws InterruptedException {
            Semaphore slots = new Semaphore(concurrency);
            long[] latencies = new long[total];
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            for (int i = 0; i < total; i++) {
                if (!slots.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("lookups stuck: " + concurrency + " in flight for 30 s");
                }
                if (beforeEach != null) {
                    beforeEach.accept(i);
                }
                int n = i;
                long start = System.nanoTime();
                client.getAsync("offers", keys.get(i % keys.size())).whenComplete((l, e) -> {
                    latencies[n] = System.nanoTime() - start;
                    if (e != null) {
                        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        failures.merge(
                                c instanceof MatstoreClientException m ? m.code() : c.toString(), 1, Integer::sum);
                    }
                    slots.release();
                });
            }
            if (!slots.tryAcquire(concurrency, 30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("lookups stuck at the end");
            }
            Arrays.sort(latencies);
            return new Run(
                    total, Map.copyOf(failures), latencies[total / 2] / 1000, latencies[(int) (total * 0.99)] / 1000);
        }
    }
}
