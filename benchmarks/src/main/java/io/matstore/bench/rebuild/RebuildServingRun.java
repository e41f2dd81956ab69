package io.matstore.bench.rebuild;

import io.matstore.bench.serving.ChildProcesses;
import io.matstore.bench.serving.Wrk;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 15, goal 5: a rebuild (replay, bulk load, validate, swap) of the offers view while a serving node answers,
 * with the processes placed as a deployment places them. On 2 cores:
 *
 * <ul>
 *   <li>core 0: the node alone ({@code bin/matstore serve}, one event loop, started as a user starts it): it serves
 *       v1, and loads, validates and swaps v2 through its admin endpoint, the way {@code bin/matstore admin} does;
 *   <li>core 1: the precompute side ({@link PrecomputeSide}: broker and replays) at the lowest CPU priority
 *       ({@code nice -n 19}), standing for the precompute machines a replay runs on, and wrk at normal priority,
 *       standing for the clients, paced ({@link Wrk#runPaced}) so that the node is measured at a steady load rather
 *       than at saturation, where p99 is the queue wrk builds.
 * </ul>
 *
 * <p>wrk runs back to back for the whole run; each run is labelled with the phase it ran in (a run that spans two
 * phases is labelled with both and counted in neither). Prints the steps' durations and, per phase, the runs'
 * p99 against the idle runs'. Everything is on 127.0.0.1, every wait is bounded, every process started here is
 * stopped here by its PID, and the temporary directory is deleted (kept, with the node's and the precompute side's
 * logs, when the run fails).
 *
 * <pre>
 * ./mvnw -o -q -B -Pbench -pl launcher,benchmarks -am install -DskipTests
 * java -Xmx1g $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.rebuild.RebuildServingRun \
 *      [products=31250] [wrkSeconds=5] [connections=16] [pauseMillis=1] [idleRuns=4]
 * </pre>
 * {@code -Dnode.java.opts=...} passes JVM flags to the node ({@code MATSTORE_JAVA_OPTS}), e.g. a JFR recording;
 * {@code -Dnode.settings=name=value,...} adds settings to its command line, e.g. {@code store.background.nice=0}.
 * Run from the repository's root (it starts {@code bin/matstore}); 312,500 products = 10,000,000 combinations.
 */
public final class RebuildServingRun {
    private static final Duration STEP_LIMIT = Duration.ofMinutes(20);
    private static final Pattern VERSION_STATUS = Pattern.compile(
            "\\{\"view\":\"offers\",\"version\":(\\d+),\"current\":(true|false),\"loaded\":(true|false),"
                    + "\"phase\":\"(\\w+)\".*?\"entries\":(-?\\d+),\"lag\":(-?\\d+)");

    private RebuildServingRun() {}

    public static void main(String[] args) throws Exception {
        int products = arg(args, 0, 31_250);
        int wrkSeconds = arg(args, 1, 5);
        int connections = arg(args, 2, 16);
        int pauseMillis = arg(args, 3, 1);
        int idleRuns = arg(args, 4, 4);
        Path dir = Files.createTempDirectory("rebuild-serving-");
        run(dir, products, wrkSeconds, connections, pauseMillis, idleRuns);
        deleteTree(dir); // kept when the run failed: node.log and precompute.log say why
    }

    private static void run(Path dir, int products, int wrkSeconds, int connections, int pauseMillis, int idleRuns)
            throws Exception {
        List<String> steps = new ArrayList<>();
        try (Child side = Child.start(
                        precomputeSideCommand(dir.resolve("precompute"), products),
                        dir.resolve("precompute.log"),
                        true);
                Closer closer = new Closer()) {
            long t0 = System.nanoTime();
            String bootstrap = side.awaitLine("bootstrap=", STEP_LIMIT).substring("bootstrap=".length());
            steps.add(step("publish the catalogue (" + products + " products)", t0));
            side.send("replay 1");
            side.awaitLine("replaying 1", STEP_LIMIT);

            int port = freePort();
            int adminPort = freePort();
            String token = UUID.randomUUID().toString();
            Child node = Child.start(
                    nodeCommand(dir.resolve("store"), bootstrap, port, adminPort, token),
                    dir.resolve("node.log"),
                    false);
            closer.node = node;
            Admin admin = new Admin(adminPort, token);
            String[] replayed = side.awaitLine("replayed 1 ", STEP_LIMIT).split(" ");
            steps.add(String.format(
                    "| replay v1 (setup, the node ingesting it live) | %s s | %,d responses |",
                    replayed[2], Long.parseLong(replayed[3])));
            long v1Entries = admin.awaitLive(1, STEP_LIMIT);
            steps.add(String.format(
                    "| v1 served and caught up (setup) | %.1f s since the publish | %,d entries |",
                    (System.nanoTime() - t0) / 1e9, v1Entries));

            Wrk wrk = new Wrk(dir, List.of("taskset", "-c", "1"));
            Phases phases = new Phases();
            List<Run> runs = new CopyOnWriteArrayList<>();
            Semaphore finishedRuns = new Semaphore(0);
            AtomicBoolean going = new AtomicBoolean(true);
            AtomicReference<Exception> wrkFailure = new AtomicReference<>();
            wrk.runPaced(port, 3, connections, products, pauseMillis); // warm-up, not counted
            phases.enter("idle");
            Thread load = new Thread(
                    () -> {
                        try {
                            while (going.get()) {
                                String before = phases.current();
                                Wrk.Result r = wrk.runPaced(port, wrkSeconds, connections, products, pauseMillis);
                                runs.add(new Run(phases.since(before), r));
                                finishedRuns.release();
                            }
                        } catch (Exception e) {
                            wrkFailure.set(e);
                        }
                    },
                    "wrk-paced");
            load.setDaemon(true);
            load.start();
            try {
                awaitRuns(finishedRuns, idleRuns, wrkSeconds, wrkFailure);

                long rebuild = System.nanoTime();
                phases.enter("replay v2");
                side.send("replay 2");
                replayed = side.awaitLine("replayed 2 ", STEP_LIMIT).split(" ");
                steps.add(String.format(
                        "| replay v2 (precompute side, nice 19 on core 1) | %s s | %,d responses |",
                        replayed[2], Long.parseLong(replayed[3])));

                phases.enter("bulk load v2");
                long t = System.nanoTime();
                admin.post("/admin/views/offers/versions/2/load", "{\"mode\":\"bulk\"}");
                long v2Entries = admin.awaitLive(2, STEP_LIMIT);
                steps.add(String.format(
                        "| bulk load v2 into the serving node | %.1f s | %,d entries |",
                        (System.nanoTime() - t) / 1e9, v2Entries));

                phases.enter("validate v2");
                t = System.nanoTime();
                String report = admin.post("/admin/views/offers/versions/2/validate", "{}");
                steps.add(String.format(
                        "| validate v2 | %.1f s | passed: %s |",
                        (System.nanoTime() - t) / 1e9, report.contains("\"passed\":true")));

                phases.enter("swap to v2");
                t = System.nanoTime();
                admin.post("/admin/views/offers/versions/2/swap", "{}");
                steps.add(String.format("| swap to v2 (validates again) | %.1f s | |", (System.nanoTime() - t) / 1e9));
                steps.add(String.format(
                        "| **rebuild: replay + load + validate + swap** | **%.1f s** | |",
                        (System.nanoTime() - rebuild) / 1e9));

                phases.enter("after the swap");
                finishedRuns.drainPermits();
                awaitRuns(finishedRuns, 3, wrkSeconds, wrkFailure); // the first may have started before the swap
            } finally {
                going.set(false); // wrk stops after its current run, on success and on failure alike
                load.join(TimeUnit.SECONDS.toMillis(wrkSeconds + 60L));
            }
            if (wrkFailure.get() != null) {
                throw wrkFailure.get();
            }
            print(steps, runs, products, connections, pauseMillis);
        }
    }

    /** Waits for {@code n} more wrk runs to finish (each lasts {@code wrkSeconds}), or for wrk to fail. */
    private static void awaitRuns(Semaphore finished, int n, int wrkSeconds, AtomicReference<Exception> failure)
            throws Exception {
        if (!finished.tryAcquire(n, n * (wrkSeconds + 30L), TimeUnit.SECONDS) || failure.get() != null) {
            throw failure.get() != null ? failure.get() : new IllegalStateException(n + " wrk runs did not finish");
        }
    }

    private static String step(String what, long startNanos) {
        return String.format("| %s | %.1f s | |", what, (System.nanoTime() - startNanos) / 1e9);
    }

    private static void print(List<String> steps, List<Run> runs, int products, int connections, int pause) {
        System.out.println();
        System.out.println("| step | time | |");
        System.out.println("|---|---:|---|");
        steps.forEach(System.out::println);
        System.out.println();
        System.out.printf(
                "serving v1 then v2 (uniform over %,d keys; wrk -t1 -c%d, each connection pausing %d ms)%n",
                products * 8L, connections, pause);
        System.out.println("| phase | run | req/s | p50 µs | p99 µs | p99.9 µs | errors |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            System.out.printf(
                    "| %s | %d | %,.0f | %,d | %,d | %,d | %d |%n",
                    r.phase,
                    i + 1,
                    r.result.requestsPerSecond(),
                    r.result.p50(),
                    r.result.p99(),
                    r.result.p999(),
                    r.result.errors());
        }
        long idleP99 = median(runs, "idle");
        System.out.println();
        System.out.println("| phase | runs | median p99 µs | worst p99 µs | worst / idle median |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String phase :
                List.of("idle", "replay v2", "bulk load v2", "validate v2", "swap to v2", "after the swap")) {
            List<Run> in = runs.stream().filter(r -> r.phase.equals(phase)).toList();
            if (in.isEmpty()) {
                continue;
            }
            long worst = in.stream().mapToLong(r -> r.result.p99()).max().orElseThrow();
            System.out.printf(
                    "| %s | %d | %,d | %,d | %.2f |%n",
                    phase, in.size(), median(runs, phase), worst, (double) worst / idleP99);
        }
        long spanning = runs.stream().filter(r -> r.phase.contains("→")).count();
        long worstAll = runs.stream()
                .filter(r -> !r.phase.equals("idle"))
                .mapToLong(r -> r.result.p99())
                .max()
                .orElse(0);
        System.out.printf(
                "runs spanning two phases: %d; worst p99 of every run after idle: %,d µs = %.2f× idle%n",
                spanning, worstAll, (double) worstAll / idleP99);
    }

    private static long median(List<Run> runs, String phase) {
        List<Long> p99 = runs.stream()
                .filter(r -> r.phase.equals(phase))
                .map(r -> r.result.p99())
                .sorted()
                .toList();
        return p99.isEmpty() ? 0 : p99.get(p99.size() / 2);
    }

    private static List<String> precomputeSideCommand(Path dir, int products) {
        List<String> cmd = new ArrayList<>(List.of("nice", "-n", "19", "taskset", "-c", "1"));
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx3g");
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Xmx"))
                .forEach(cmd::add);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                PrecomputeSide.class.getName(),
                dir.toString(),
                Integer.toString(products)));
        return cmd;
    }

    private static List<String> nodeCommand(Path store, String bootstrap, int port, int adminPort, String token) {
        List<String> cmd = new ArrayList<>(List.of(
                "taskset",
                "-c",
                "0",
                Path.of("bin", "matstore").toAbsolutePath().toString(),
                "serve",
                "-s",
                "bootstrap.servers=" + bootstrap,
                "-s",
                "store.data.dir=" + store.toAbsolutePath(),
                "-s",
                "serving.port=" + port,
                "-s",
                "serving.io.threads=1",
                "-s",
                "serving.admin.port=" + adminPort,
                "-s",
                "serving.admin.token=" + token));
        String extra = System.getProperty("node.settings", ""); // e.g. store.background.nice=0
        for (String setting : extra.split(",")) {
            if (!setting.isBlank()) {
                cmd.add("-s");
                cmd.add(setting.trim());
            }
        }
        return cmd;
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i].replace("_", "")) : fallback;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private record Run(String phase, Wrk.Result result) {}

    /** The phase the run is in; a wrk run's label is the phase it started in, or both when it changed. */
    private static final class Phases {
        private volatile String current = "setup";

        void enter(String phase) {
            System.out.printf("%tT %s%n", System.currentTimeMillis(), phase);
            current = phase;
        }

        String current() {
            return current;
        }

        String since(String before) {
            String now = current;
            return now.equals(before) ? now : before + " → " + now;
        }
    }

    /** The node's admin endpoint, as {@code bin/matstore admin} calls it (JSON POST bodies, a bearer token). */
    private record Admin(int port, String token) {
        private static final HttpClient HTTP =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        String post(String path, String json) throws IOException, InterruptedException {
            HttpResponse<String> r = HTTP.send(
                    request(path)
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .header("Content-Type", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("POST " + path + ": " + r.statusCode() + " " + r.body());
            }
            return r.body();
        }

        /** Waits until {@code version} has loaded, is live and has no lag; returns its entries. */
        long awaitLive(int version, Duration limit) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            String last = "";
            while (System.nanoTime() < deadline) {
                try {
                    last = HTTP.send(request("/admin/status").GET().build(), HttpResponse.BodyHandlers.ofString())
                            .body();
                    Matcher m = VERSION_STATUS.matcher(last);
                    while (m.find()) {
                        if (Integer.parseInt(m.group(1)) == version
                                && m.group(3).equals("true")
                                && m.group(4).equals("LIVE")
                                && m.group(6).equals("0")) {
                            return Long.parseLong(m.group(5));
                        }
                    }
                } catch (IOException notListeningYet) {
                    last = notListeningYet.toString();
                }
                Thread.sleep(200); // a load's progress: nothing to await but time
            }
            throw new IllegalStateException("v" + version + " not live in " + limit + "; last status: " + last);
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + token);
        }
    }

    /** Stops the node (by its PID, SIGTERM then SIGKILL) before the precompute side closes. */
    private static final class Closer implements AutoCloseable {
        Child node;

        @Override
        public void close() {
            if (node != null) {
                node.close();
            }
        }
    }

    /** A process started here: its output lines queued, its errors in a log; closed by its PID. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final boolean stopsWhenInputCloses;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private Child(Process process, boolean stopsWhenInputCloses) {
            this.process = process;
            this.stopsWhenInputCloses = stopsWhenInputCloses;
            Thread reader = new Thread(this::read, "child-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(List<String> command, Path log, boolean stopsWhenInputCloses) throws IOException {
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("MATSTORE_"));
            pb.environment().put("MATSTORE_SKIP_BUILD", "1");
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            String nodeOpts = System.getProperty("node.java.opts"); // e.g. a JFR recording of the node
            if (nodeOpts != null && !stopsWhenInputCloses) {
                pb.environment().put("MATSTORE_JAVA_OPTS", nodeOpts);
            }
            return new Child(pb.start(), stopsWhenInputCloses);
        }

        private void read() {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }

        String awaitLine(String prefix, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if (line == null && !process.isAlive()) {
                    throw new IllegalStateException("process " + process.pid() + " exited with " + process.exitValue()
                            + " before printing " + prefix);
                }
            }
            throw new IllegalStateException("no line starting with \"" + prefix + "\" in " + limit);
        }

        void send(String line) {
            try {
                process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            ChildProcesses.stop(
                    process, stopsWhenInputCloses ? Duration.ofSeconds(60) : Duration.ZERO, Duration.ofSeconds(60));
        }
    }
}
