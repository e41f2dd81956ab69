package io.matstore.bench.client;

import com.sun.net.httpserver.HttpServer;
import io.matstore.bench.serving.CaughtUpStore;
import io.matstore.bench.serving.ServingLoadRun;
import io.matstore.bench.serving.Wrk;
import io.matstore.client.Lookup;
import io.matstore.client.LookupResult;
import io.matstore.client.MatstoreClient;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.serving.ServingConfig;
import io.matstore.serving.ServingNode;
import io.matstore.store.VersionedResponseStore;
import io.matstore.views.offers.OffersContract;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The client's throughput beside wrk's, against the same real serving node in the same run, then {@code getAll}
 * over two cells:
 * <ol>
 *   <li>{@code wrk -t1 -c64} asking one key (SKU-000000/us/USD/standard, FlatBuffers) for N seconds;</li>
 *   <li>matstore-client from this JVM asking the same key, 64 requests in flight like wrk's 64 connections, for N
 *       seconds: rate, p50/p99, and the ratio to wrk. Twice: {@code getAsync} with 64 chains, each sending its next
 *       request from the completion of the previous one (on the client's I/O thread, as wrk's loop does), and 64
 *       caller threads each calling the blocking {@code get} in a loop (every answer wakes a parked thread);</li>
 *   <li>{@code getAll} of 100 random keys from 16 caller threads over two cells: a second real node over the same
 *       store, and a routing document that gives partitions 0-1 to cell "a" (the first node) and 2-3 to cell "b"
 *       (the second), served by a stand-in since standalone nodes each describe themselves alone. Lookups/s (keys
 *       answered per second) and p50/p99 of one {@code getAll}.</li>
 * </ol>
 * The view (offers v1, 4 partitions) is produced to a real embedded broker and ingested by the real store first;
 * the key is a near-cache hit, so this measures the HTTP path. Node, client and wrk share the machine: the client
 * runs in the node's JVM (as the node's own figures in ServingLoadRun do), wrk in its own process.
 *
 * <pre>
 * apt-get install -y wrk
 * ./mvnw -B -q -Pbench -pl benchmarks -am package -DskipTests
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.client.ClientLoadRun [seconds] [rounds]
 * </pre>
 * Defaults: 10 s per measurement (each client's after a 3 s warm-up), 3 rounds of wrk, getAsync, get in turn, so
 * that a machine whose load changes during the run (shared builders) shows it in the per-round ratios; the median
 * ratio is printed. Traffic goes to 127.0.0.1 only; nodes, wrk and the
 * caller threads stop by themselves.
 */
public final class ClientLoadRun {
    private static final int SKUS = 2_000;
    private static final int CALLERS = 64;
    private static final int BATCH_CALLERS = 16;
    private static final int BATCH_KEYS = 100;
    private static final int WARM_UP_SECONDS = 3;
    private static final String[] REGIONS = {"us", "eu", "uk", "jp"};
    private static final String[] TIERS = {"standard", "gold"};
    private static final Map<String, String> KEY =
            Map.of("sku", "SKU-000000", "region", "us", "currency", "USD", "tier", "standard");

    private ClientLoadRun() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("client-load-");
        Wrk wrk = new Wrk(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            int bodyBytes = ServingLoadRun.produceView(kafka.bootstrapServers(), topic, SKUS);
            try (VersionedResponseStore store =
                    CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(), 20_000)) {
                ServingNode a = new ServingNode();
                ServingNode b = new ServingNode();
                int portA = a.start(store, nodeConfig());
                int portB = b.start(store, nodeConfig());
                try {
                    System.out.printf(
                            "offers v1: %,d keys, envelope %d bytes; load average %s%n",
                            SKUS * 8, bodyBytes, loadAverage());
                    List<String> rows = new ArrayList<>();
                    double[] asyncRatio = new double[rounds];
                    double[] blockingRatio = new double[rounds];
                    wrk.run(portA, WARM_UP_SECONDS, 1, "one", null);
                    for (int round = 1; round <= rounds; round++) {
                        String load = loadAverage();
                        Wrk.Result w = wrk.run(portA, seconds, 1, "one", null);
                        rows.add(row(round, load, "wrk -t1 -c64", w.requestsPerSecond(), w.p50(), w.p99(), w.errors()));
                        Rate c = clientAsyncGets(portA, seconds);
                        rows.add(row(
                                round,
                                loadAverage(),
                                "matstore-client getAsync, " + CALLERS + " in flight",
                                c.perSecond,
                                c.p50,
                                c.p99,
                                c.errors));
                        Rate blocking = clientGets(portA, seconds);
                        rows.add(row(
                                round,
                                loadAverage(),
                                "matstore-client get, " + CALLERS + " caller threads",
                                blocking.perSecond,
                                blocking.p50,
                                blocking.p99,
                                blocking.errors));
                        asyncRatio[round - 1] = c.perSecond / w.requestsPerSecond();
                        blockingRatio[round - 1] = blocking.perSecond / w.requestsPerSecond();
                    }
                    Rate batch = clientGetAll(portA, portB, seconds);
                    rows.add(row(
                            0,
                            loadAverage(),
                            "matstore-client getAll of " + BATCH_KEYS + " keys over 2 cells, " + BATCH_CALLERS
                                    + " callers (keys/s; latency of one getAll)",
                            batch.perSecond,
                            batch.p50,
                            batch.p99,
                            batch.errors));
                    System.out.println();
                    System.out.println("| round | load avg | load (one key unless said) | lookups/s | p50 µs | p99 µs"
                            + " | errors |");
                    System.out.println("|---:|---:|---|---:|---:|---:|---:|");
                    rows.forEach(System.out::println);
                    System.out.printf(
                            "%nclient / wrk per round: getAsync %s, get %s; median %.2f and %.2f%n",
                            ratios(asyncRatio), ratios(blockingRatio), median(asyncRatio), median(blockingRatio));
                } finally {
                    a.close();
                    b.close();
                }
            }
        }
    }

    private static String row(int round, String load, String what, double rate, long p50, long p99, long errors) {
        return String.format(
                "| %s | %s | %s | %,.0f | %d | %d | %d |",
                round == 0 ? "" : Integer.toString(round), load, what, rate, p50, p99, errors);
    }

    private static String ratios(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.length() == 0 ? "" : " ").append(String.format("%.2f", v));
        }
        return s.toString();
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static ServingConfig nodeConfig() {
        return ServingConfig.of(
                Map.of(ServingConfig.HOST, "127.0.0.1", ServingConfig.PORT, "0", ServingConfig.IO_THREADS, "1"));
    }

    private record Rate(double perSecond, long p50, long p99, long errors) {}

    /** 64 threads calling {@code get} of one key; the node's own /v1/cluster routes them. */
    private static Rate clientGets(int port, int seconds) throws Exception {
        try (MatstoreClient client = MatstoreClient.builder()
                .bootstrap(List.of(URI.create("http://127.0.0.1:" + port)))
                .build()) {
            Lookup first = client.get("offers", KEY);
            System.out.printf("client get: %d-byte body from %s%n", first.body().remaining(), first.node());
            return load(CALLERS, seconds, 1, r -> client.get("offers", KEY));
        }
    }

    /** 64 chains of {@code getAsync}: each completion records its latency and sends the chain's next request. */
    private static Rate clientAsyncGets(int port, int seconds) throws Exception {
        try (MatstoreClient client = MatstoreClient.builder()
                .bootstrap(List.of(URI.create("http://127.0.0.1:" + port)))
                .build()) {
            Recorder recorder = new Recorder(3);
            LongAdder done = new LongAdder();
            LongAdder errors = new LongAdder();
            long measureFrom = System.nanoTime() + WARM_UP_SECONDS * 1_000_000_000L;
            long end = measureFrom + seconds * 1_000_000_000L;
            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(CALLERS);
            for (int i = 0; i < CALLERS; i++) {
                new Chain(client, recorder, done, errors, measureFrom, end, finished).next();
            }
            Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
            recorder.reset();
            finished.await(seconds + 30L, java.util.concurrent.TimeUnit.SECONDS);
            Histogram h = recorder.getIntervalHistogram();
            return new Rate(
                    done.sum() / (double) seconds,
                    h.getValueAtPercentile(50),
                    h.getValueAtPercentile(99),
                    errors.sum());
        }
    }

    /** One of the 64 requests in flight of {@link #clientAsyncGets}; a failure ends the chain (and is counted). */
    private record Chain(
            MatstoreClient client,
            Recorder recorder,
            LongAdder done,
            LongAdder errors,
            long measureFrom,
            long end,
            java.util.concurrent.CountDownLatch finished) {
        void next() {
            long sent = System.nanoTime();
            if (sent >= end) {
                finished.countDown();
                return;
            }
            client.getAsync("offers", KEY).whenComplete((lookup, failure) -> {
                long now = System.nanoTime();
                if (failure != null) {
                    errors.increment();
                    finished.countDown();
                    return;
                }
                if (sent >= measureFrom) {
                    recorder.recordValue((now - sent) / 1_000);
                    done.increment();
                }
                next();
            });
        }
    }

    /** 16 threads calling {@code getAll} of 100 random keys, routed over two cells by a stand-in document. */
    private static Rate clientGetAll(int portA, int portB, int seconds) throws Exception {
        byte[] doc = routingDocument("http://127.0.0.1:" + portA, "http://127.0.0.1:" + portB)
                .getBytes(StandardCharsets.UTF_8);
        HttpServer routing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        routing.createContext("/v1/cluster", x -> {
            x.getResponseHeaders().set("ETag", "\"two-cells\"");
            x.sendResponseHeaders(200, doc.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(doc);
            }
        });
        routing.start();
        try (MatstoreClient client = MatstoreClient.builder()
                .bootstrap(List.of(
                        URI.create("http://127.0.0.1:" + routing.getAddress().getPort())))
                .refreshInterval(Duration.ofHours(1))
                .build()) {
            List<List<Map<String, String>>> batches = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(12);
            for (int i = 0; i < 64; i++) {
                List<Map<String, String>> keys = new ArrayList<>(BATCH_KEYS);
                for (int k = 0; k < BATCH_KEYS; k++) {
                    keys.add(Map.of(
                            "sku",
                            String.format("SKU-%06d", random.nextInt(SKUS)),
                            "region",
                            REGIONS[random.nextInt(4)],
                            "currency",
                            "USD",
                            "tier",
                            TIERS[random.nextInt(2)]));
                }
                batches.add(keys);
            }
            List<LookupResult> check = client.getAll("offers", batches.get(0));
            long nodes = check.stream().map(LookupResult::node).distinct().count();
            long found = check.stream().filter(LookupResult::found).count();
            System.out.printf("client getAll: %d of %d keys found, answered by %d nodes%n", found, check.size(), nodes);
            return load(BATCH_CALLERS, seconds, BATCH_KEYS, r -> {
                List<LookupResult> results = client.getAll("offers", batches.get(r.nextInt(batches.size())));
                for (int k = 0; k < results.size(); k++) {
                    if (!results.get(k).found()) {
                        throw new IllegalStateException("not found: " + results.get(k));
                    }
                }
            });
        } finally {
            routing.stop(0);
        }
    }

    private static String routingDocument(String cellA, String cellB) {
        StringBuilder owners = new StringBuilder();
        for (int p = 0; p < 4; p++) {
            String cell = p < 2 ? "a" : "b";
            owners.append(p == 0 ? "" : ",")
                    .append("{\"partition\":")
                    .append(p)
                    .append(",\"cell\":\"")
                    .append(cell)
                    .append("\",\"nodes\":[{\"node\":\"")
                    .append(cell)
                    .append("-1\",\"url\":\"")
                    .append(p < 2 ? cellA : cellB)
                    .append("\",\"ready\":true,\"loaded\":true}]}");
        }
        return "{\"cluster\":\"bench\",\"generation\":1,\"views\":{\"offers\":{\"version\":1,\"partitions\":4,"
                + "\"partitioner\":\"kafka-murmur2\",\"dimensions\":[\"sku\",\"region\",\"currency\",\"tier\"],"
                + "\"owners\":[" + owners + "]}}}";
    }

    /** One operation of a caller thread, given the thread's own random source. */
    @FunctionalInterface
    private interface Op {
        void run(SplittableRandom random) throws Exception;
    }

    /**
     * {@code threads} callers run {@code op} back to back for a warm-up and then {@code seconds}; every operation's
     * latency goes to one wait-free recorder. {@code lookupsPerOp} converts operations to lookups.
     */
    private static Rate load(int threads, int seconds, int lookupsPerOp, Op op) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        LongAdder done = new LongAdder();
        LongAdder errors = new LongAdder();
        long start = System.nanoTime();
        long measureFrom = start + WARM_UP_SECONDS * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(t);
            Thread thread = new Thread(
                    () -> {
                        for (long now = System.nanoTime(); now < end; ) {
                            boolean measured = now >= measureFrom;
                            try {
                                op.run(random);
                                long after = System.nanoTime();
                                if (measured) {
                                    recorder.recordValue((after - now) / 1_000);
                                    done.increment();
                                }
                                now = after;
                            } catch (Exception e) {
                                if (measured) {
                                    errors.increment();
                                }
                                now = System.nanoTime();
                            }
                        }
                    },
                    "client-load-" + t);
            thread.setDaemon(true);
            callers.add(thread);
            thread.start();
        }
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        recorder.reset();
        for (Thread t : callers) {
            t.join(Duration.ofSeconds(seconds + WARM_UP_SECONDS + 30L).toMillis());
        }
        Histogram h = recorder.getIntervalHistogram();
        return new Rate(
                done.sum() * (double) lookupsPerOp / seconds,
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(99),
                errors.sum());
    }

    /** The 1-minute load average. */
    private static String loadAverage() {
        return String.format(
                "%.2f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
    }
}
