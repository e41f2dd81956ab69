package io.matstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.precompute.demo.DemoEventGenerator;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code matstore local}, as a user runs it: a process that starts everything, answers offers over HTTP,
 * stops cleanly on SIGTERM (Ctrl-C), and comes back warm from the same data directory, answering at once; a second
 * version the node was told to hold gets its job on the restart, so it loads and stays live.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LocalStackTest {
    private static final Pattern SERVING = Pattern.compile("serving node listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin endpoint +(http://127\\.0\\.0\\.1:\\d+)");
    private static final String QUERY = "/v1/views/offers?sku=" + DemoEventGenerator.sku(1)
            + "&region=eu&currency=USD&tier=gold";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldServeStopCleanlyAndRestartWarm() throws Exception {
        Path data = dir.resolve("data");
        Process first = start(data, 0);
        try {
            String base = awaitServingUrl(first, 0);
            HttpResponse<String> json = awaitOffer(base, "application/json");
            assertThat(json.body()).contains("\"sku\":\"" + DemoEventGenerator.sku(1) + "\"", "\"tier\":\"gold\"");
            assertThat(json.headers().firstValue("ETag")).isPresent();
            awaitReady(base);
            HttpResponse<String> load = http.send(HttpRequest.newBuilder(URI.create(adminUrl(0)
                    + "/admin/views/offers/versions/2/load")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(load.statusCode()).as(load.body()).isEqualTo(202);
        } finally {
            stop(first, 0);
        }
        assertThat(data.resolve("store").resolve("offers").resolve("v1").resolve("nearcache.clean"))
                .as("a clean stop leaves the near-cache trusted; log: %s", log(0)).exists();

        Process second = start(data, 1);
        try {
            String base = awaitServingUrl(second, 1);
            HttpResponse<byte[]> fb = http.send(request(base + QUERY, "application/x-flatbuffers"),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fb.statusCode()).as("answers from the kept store at once").isEqualTo(200);
            assertThat(fb.body()).isNotEmpty();
            awaitLog(1, "running the job of offers v2 too: the node holds it");
            awaitStatus(adminUrl(1), "\"version\":2,\"current\":false,\"loaded\":true,");
            HttpResponse<String> v2 = awaitOffer(base, QUERY + "&version=2", "application/json");
            assertThat(v2.body()).as("v2's own field").contains("\"list_price_minor\":");
        } finally {
            stop(second, 1);
        }
    }

    private Process start(Path data, int run) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle.") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MatstoreMain.class.getName(), "local",
                "--data-dir", data.toString(), "--kafka-port", "0", "--http-port", "0", "--admin-port", "0", "--products", "100",
                "--rate", "20", "--demo-seconds", "60", "--ready-timeout", "90"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile(run).toFile()).start();
    }

    private Path logFile(int run) {
        return dir.resolve("local-" + run + ".log");
    }

    private String log(int run) throws Exception {
        return Files.readString(logFile(run));
    }

    private String awaitServingUrl(Process p, int run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(log(run));
            if (m.find()) {
                return m.group(1);
            }
            if (!p.isAlive()) {
                throw new AssertionError("matstore local exited with " + p.exitValue() + ": " + log(run));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no serving URL printed in 150 s: " + log(run));
    }

    private String adminUrl(int run) throws Exception {
        awaitLog(run, "matstore local stack is up");
        Matcher m = ADMIN.matcher(log(run));
        assertThat(m.find()).as(log(run)).isTrue();
        return m.group(1);
    }

    private void awaitLog(int run, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!log(run).contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + line + "' in 90 s: " + log(run));
            }
            Thread.sleep(200);
        }
    }

    private void awaitStatus(String admin, String fragment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String status = get(admin + "/admin/status", "application/json").body();
        while (!status.contains(fragment)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + fragment + " in /admin/status in 90 s: " + status);
            }
            Thread.sleep(200);
            status = get(admin + "/admin/status", "application/json").body();
        }
    }

    private HttpResponse<String> awaitOffer(String base, String accept) throws Exception {
        return awaitOffer(base, QUERY, accept);
    }

    private HttpResponse<String> awaitOffer(String base, String query, String accept) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = get(base + query, accept);
            if (last.statusCode() == 200) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no offer in 60 s, last answer: " + (last == null ? null : last.body()));
    }

    private void awaitReady(String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (get(base + "/readyz", "*/*").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ready in 90 s: " + get(base + "/readyz", "*/*").body());
            }
            Thread.sleep(200);
        }
    }

    private HttpResponse<String> get(String url, String accept) throws Exception {
        return http.send(request(url, accept), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String url, String accept) {
        return HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).timeout(Duration.ofSeconds(10))
                .build();
    }

    private void stop(Process p, int run) throws Exception {
        p.destroy(); // SIGTERM, as Ctrl-C would
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("matstore local did not stop in 60 s on SIGTERM: " + log(run));
        }
    }
}
