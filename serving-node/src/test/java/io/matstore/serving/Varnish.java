package io.matstore.serving;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real Varnish (Debian's {@code varnish} package, installed by .ci/run) in front of a node: {@code varnishd} in the
 * foreground as a child of the test JVM, on a free loopback port, with the VCL docs/operations.md shows, in a
 * temporary working directory. {@link #close()} ends the processes it started, by their PIDs.
 */
final class Varnish implements AutoCloseable {
    /** Where Debian puts it; PATH is searched too. */
    private static final List<Path> KNOWN = List.of(Path.of("/usr/sbin/varnishd"), Path.of("/usr/local/sbin/varnishd"));

    private final Process process;
    private final int port;

    private Varnish(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The varnishd binary, or null when Varnish is not installed. */
    static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "varnishd"))) {
                return Path.of(dir, "varnishd");
            }
        }
        return KNOWN.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    /**
     * The VCL of docs/operations.md, "A cache in front": Varnish takes max-age (less the node's Age) as the TTL by
     * itself, but knows nothing of stale-if-error, so the object's grace is read from it; while the node is healthy a
     * request never waits on grace (an expired object is revalidated at once, If-None-Match → 304), and a failed
     * fetch is retried once with the whole grace, which serves the stale copy while it lasts.
     */
    static String vcl(int nodePort) {
        return """
                vcl 4.1;
                import std;

                backend node {
                    .host = "127.0.0.1";
                    .port = "%d";
                    .connect_timeout = 1s;
                    .first_byte_timeout = 5s;
                    .probe = {
                        .url = "/healthz";
                        .interval = 200ms;
                        .timeout = 150ms;
                        .window = 2;
                        .threshold = 1;
                        .initial = 1;
                    }
                }

                sub vcl_recv {
                    if (req.restarts == 0 && std.healthy(req.backend_hint)) {
                        set req.grace = 0s;
                    }
                }

                sub vcl_backend_response {
                    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
                        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control,
                            "^.*stale-if-error=([0-9]+).*$", "\\1s"), 0s);
                    }
                    set beresp.keep = 1h;
                }

                sub vcl_deliver {
                    if (resp.status >= 500 && req.restarts == 0) {
                        return (restart);
                    }
                    if (obj.hits > 0) {
                        set resp.http.X-Cache = "HIT";
                    } else {
                        set resp.http.X-Cache = "MISS";
                    }
                }
                """.formatted(nodePort);
    }

    /** Starts varnishd in front of 127.0.0.1:{@code nodePort} and waits until it passes a request to the node. */
    static Varnish start(Path binary, Path dir, int nodePort) throws IOException {
        Path vcl = dir.resolve("matstore.vcl");
        Files.writeString(vcl, vcl(nodePort), StandardCharsets.UTF_8);
        int port = freePort();
        Process p = new ProcessBuilder(
                        binary.toString(),
                        "-F",
                        "-j",
                        "none",
                        "-n",
                        dir.resolve("work").toString(),
                        "-a",
                        "127.0.0.1:" + port,
                        "-T",
                        "127.0.0.1:0",
                        "-f",
                        vcl.toString(),
                        "-s",
                        "malloc,16m",
                        "-l",
                        "2m",
                        "-p",
                        "thread_pool_min=5",
                        "-p",
                        "thread_pools=1")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("varnishd.log").toFile())
                .start();
        Varnish v = new Varnish(p, port);
        try {
            Awaitility.await("varnishd listens on " + port)
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("varnishd exited " + p.exitValue() + ": "
                                    + Files.readString(dir.resolve("varnishd.log")));
                        }
                        return passesHealthz(port);
                    });
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
        return v;
    }

    int port() {
        return port;
    }

    /** Whether /healthz (no-store: never cached) goes through to the node: the child runs and the VCL is loaded. */
    private static boolean passesHealthz(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2_000);
            s.getOutputStream()
                    .write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] head = s.getInputStream().readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Ends varnishd and its cache child, the processes this class started, by their PIDs. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }
}
