package io.matstore.bench.store;

import io.matstore.bench.http.FixedBodyServer;
import io.matstore.bench.serving.ServingLoadRun;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.views.offers.OffersContract;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Restart to ready of a real serving node process holding {@code skus × 8} offers combinations (issue 15, goal 6:
 * 10,000,000 combinations, &lt; 2 s after a clean stop, &lt; 10 s after kill -9).
 *
 * <p>The node is {@code bin/matstore serving}, started as a user starts it, over a store and a broker kept in
 * {@code dir}: the first run produces the view topic and lets the node load it (minutes for 10M, timed as the
 * first load); later runs with the same {@code dir} reuse both. Then, each {@code rounds} times: SIGTERM (a clean
 * stop: the near-cache is vouched for) and a restart, then SIGKILL and a restart (the near-cache is rebuilt in the
 * background while RocksDB answers). Each start is timed from the process's launch to the first 200 of a lookup and
 * to /readyz answering 200, polled every 5 ms on 127.0.0.1. Every wait is bounded.
 *
 * <p>Anchor, before each restart: a JVM running the minimal Netty server ({@code FixedBodyServer}) started the same
 * way and timed to its first 200. It is what any JVM server costs to start on the machine at that moment (class
 * loading on 2 shared cores), so the node's figures are also printed as ratios to it.
 *
 * <pre>
 * ./mvnw -o -q -B -pl launcher -am package -DskipTests            # bin/matstore's class path
 * ./mvnw -o -q -B -Pbench -pl benchmarks -am package -DskipTests
 * java $FLAGS -cp benchmarks/target/benchmarks.jar io.matstore.bench.store.RestartRun DIR [skus] [rounds]
 * </pre>
 * Run from the repository's root (it starts {@code bin/matstore}). 1,250,000 skus = 10,000,000 combinations.
 */
public final class RestartRun {
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private RestartRun() {}

    /** One start of the node: milliseconds from launch to the first 200 of a lookup and to ready. */
    public record Start(String how, long firstAnswerMillis, long readyMillis, long anchorMillis) {
        String row() {
            return String.format(
                    "| %s | %,d | %,d | %,d | %.1f |",
                    how,
                    firstAnswerMillis,
                    readyMillis,
                    anchorMillis,
                    (double) readyMillis / Math.max(1, anchorMillis));
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int skus = args.length > 1 ? Integer.parseInt(args[1]) : 1_250_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        List<Start> starts = run(dir, skus, rounds);
        System.out.printf(
                "%n%,d combinations%n| start | first 200 ms | /readyz 200 ms | anchor: minimal Netty server "
                        + "process, first 200 ms | ready / anchor |%n|---|---:|---:|---:|---:|%n",
                skus * 8L);
        for (Start s : starts) {
            System.out.println(s.row());
        }
    }

    public static List<Start> run(Path dir, int skus, int rounds) throws Exception {
        Files.createDirectories(dir);
        Path portFile = dir.resolve("broker.port");
        boolean fresh = !Files.exists(portFile);
        int brokerPort =
                fresh ? freePort() : Integer.parseInt(Files.readString(portFile).trim());
        List<Start> starts = new ArrayList<>();
        try (EmbeddedKafka kafka =
                EmbeddedKafka.inDir(dir.resolve("broker"), brokerPort, Map.of()).start()) {
            if (fresh) {
                String topic = OffersContract.V1.topic();
                kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
                long t0 = System.nanoTime();
                ServingLoadRun.produceView(kafka.bootstrapServers(), topic, skus);
                System.out.printf("produced %,d combinations in %.1f s%n", skus * 8L, (System.nanoTime() - t0) / 1e9);
                Files.writeString(portFile, Integer.toString(brokerPort));
            }
            String probeKey = "/v1/views/offers?sku=SKU-000000&region=" + ServingLoadRun.REGIONS[0]
                    + "&currency=USD&tier=" + ServingLoadRun.TIERS[0];
            int port = freePort();
            // the anchor before the node, as in every round below: it binds the node's port while it runs
            long firstAnchor = anchor(dir, port);
            NodeProcess node = NodeProcess.start(dir, kafka.bootstrapServers(), port);
            starts.add(node.awaitStart(
                    fresh ? "first load" : "start over the kept store", probeKey, LOAD_TIMEOUT, firstAnchor));
            for (int r = 0; r < rounds; r++) {
                node.stop(false);
                long anchor = anchor(dir, port);
                node = NodeProcess.start(dir, kafka.bootstrapServers(), port);
                starts.add(node.awaitStart("after a clean stop (SIGTERM)", probeKey, START_TIMEOUT, anchor));
                node.stop(true);
                anchor = anchor(dir, port);
                node = NodeProcess.start(dir, kafka.bootstrapServers(), port);
                starts.add(node.awaitStart("after kill -9", probeKey, START_TIMEOUT, anchor));
            }
            node.stop(false); // leaves the store clean for the next run over the same directory
        }
        return starts;
    }

    /** Milliseconds from launching the minimal Netty server's JVM to its first 200 (on {@code port}, then stopped). */
    private static long anchor(Path dir, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        NodeProcess p = NodeProcess.launch(
                List.of(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        FixedBodyServer.class.getName(),
                        Integer.toString(port),
                        "296",
                        "120"),
                dir,
                port);
        long ms = p.awaitStart("anchor", "/", START_TIMEOUT, 0).firstAnswerMillis();
        p.stop(false);
        return ms;
    }

    /** {@code bin/matstore serve} over {@code dir/store}, its output in {@code dir/node.log}. */
    private record NodeProcess(Process process, long launchedNanos, int port) {
        static NodeProcess start(Path dir, String bootstrap, int port) throws IOException {
            return launch(
                    List.of(
                            Path.of("bin", "matstore").toAbsolutePath().toString(),
                            "serve",
                            "-s",
                            "bootstrap.servers=" + bootstrap,
                            "-s",
                            "store.data.dir=" + dir.resolve("store").toAbsolutePath(),
                            "-s",
                            "serving.port=" + port),
                    dir,
                    port);
        }

        static NodeProcess launch(List<String> command, Path dir, int port) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("node.log").toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("MATSTORE_"));
            pb.environment().put("MATSTORE_SKIP_BUILD", "1");
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            long launched = System.nanoTime();
            return new NodeProcess(pb.start(), launched, port);
        }

        Start awaitStart(String how, String probePath, Duration timeout, long anchorMillis) throws Exception {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofMillis(200))
                    .build();
            long deadline = launchedNanos + timeout.toNanos();
            long firstAnswer = -1;
            long ready = -1;
            while (firstAnswer < 0 || ready < 0) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("node exited with " + process.exitValue() + " (see node.log)");
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException(how + ": node not ready after " + timeout);
                }
                if (firstAnswer < 0 && status(http, probePath) == 200) {
                    firstAnswer = System.nanoTime();
                }
                if (ready < 0 && status(http, anchorMillis == 0 ? probePath : "/readyz") == 200) {
                    ready = System.nanoTime();
                }
                Thread.sleep(5); // polling a process that is starting: nothing to await but time
            }
            Start s = new Start(
                    how, (firstAnswer - launchedNanos) / 1_000_000, (ready - launchedNanos) / 1_000_000, anchorMillis);
            System.out.printf(
                    "%s: first 200 after %,d ms, ready after %,d ms%n", how, s.firstAnswerMillis(), s.readyMillis());
            return s;
        }

        private int status(HttpClient http, String path) {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(2))
                        .build();
                return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1; // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void stop(boolean kill) throws InterruptedException {
            if (kill) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("node did not stop in 2 minutes");
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
