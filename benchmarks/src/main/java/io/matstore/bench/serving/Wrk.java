package io.matstore.bench.serving;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One bounded run of Debian's {@code wrk -t1 -c64} on 127.0.0.1 with the offers script
 * ({@code src/main/resources/wrk/offers.lua}), parsed from the line the script prints.
 */
public final class Wrk {
    /** What one run measured; latencies in microseconds. */
    public record Result(long requests, long durationMicros, long p50, long p99, long p999, long errors) {
        public double requestsPerSecond() {
            return requests * 1e6 / durationMicros;
        }
    }

    private final Path script;
    private final List<String> prefix;

    /** Writes the script to {@code dir}. */
    public Wrk(Path dir) throws IOException {
        this(dir, List.of());
    }

    /**
     * @param prefix what wrk's command line starts with, e.g. {@code taskset -c 1} to keep wrk on one core
     */
    public Wrk(Path dir, List<String> prefix) throws IOException {
        this.script = dir.resolve("offers.lua");
        this.prefix = List.copyOf(prefix);
        try (InputStream in = Wrk.class.getResourceAsStream("/wrk/offers.lua")) {
            Files.copy(in, script);
        }
    }

    /**
     * Mode "keys" at a bounded rate: each connection waits {@code pauseMillis} before each request, so the rate
     * stays below {@code connections × 1000 / pauseMillis} whatever the node does. A latency measured this way is
     * the node's, not the queue a saturating closed loop builds in front of it.
     */
    public Result runPaced(int port, int seconds, int connections, int skus, int pauseMillis)
            throws IOException, InterruptedException {
        return run(port, seconds, connections, skus, "paced", Integer.toString(pauseMillis));
    }

    /**
     * @param skus the script asks for SKU-000000 … SKU-(skus-1), every region and tier, USD
     * @param mode "keys", "etag", "fixed", "one" or "paced" (see the script)
     */
    public Result run(int port, int seconds, int skus, String mode, String etag)
            throws IOException, InterruptedException {
        return run(port, seconds, 64, skus, mode, etag);
    }

    /** {@link #run(int, int, int, String, String)} with {@code connections} instead of 64. */
    public Result run(int port, int seconds, int connections, int skus, String mode, String etag)
            throws IOException, InterruptedException {
        return run("http://127.0.0.1:" + port, seconds, connections, skus, mode, etag);
    }

    /** {@link #run(int, int, int, int, String, String)} against {@code baseUrl} (https too). */
    public Result run(String baseUrl, int seconds, int connections, int skus, String mode, String etag)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(
                "wrk",
                "-t1",
                "-c" + connections,
                "-d" + seconds + "s",
                "--timeout",
                "5s",
                "-s",
                script.toString(),
                baseUrl,
                "--",
                Integer.toString(skus),
                mode));
        if (etag != null) {
            cmd.add(etag);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String result = null;
        try {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("RESULT ")) {
                        result = line;
                    }
                }
            }
            if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("wrk did not stop");
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly(); // interrupted, or wrk hung: never leave it running
            }
        }
        if (result == null) {
            throw new IllegalStateException("wrk printed no result (is wrk installed? apt-get install -y wrk)");
        }
        Map<String, Long> v = new HashMap<>();
        for (String kv : result.substring(7).split(" ")) {
            String[] parts = kv.split("=");
            v.put(parts[0], Long.parseLong(parts[1]));
        }
        return new Result(
                v.get("requests"),
                v.get("duration_us"),
                v.get("p50_us"),
                v.get("p99_us"),
                v.get("p999_us"),
                v.get("status_errors") + v.get("socket_errors"));
    }
}
