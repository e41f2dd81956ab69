package io.matstore.precompute.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.matstore.precompute.ViewRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ops endpoint of a precompute process, on its own port: {@code GET /metrics} (Prometheus text format, from
 * {@link PrecomputeMetrics}), {@code GET /healthz} and {@code GET /readyz} (JSON). It is not a hot path (a scrape
 * every few seconds, probes), so it is the JDK's {@link HttpServer} on two daemon threads rather than Netty, which
 * precompute-jobs does not depend on.
 *
 * <ul>
 *   <li>{@code /healthz}: 200 while every view's Kafka Streams client is alive (not {@code ERROR},
 *       {@code PENDING_ERROR} or {@code NOT_RUNNING}), else 503; a rebalancing or starting client is alive.</li>
 *   <li>{@code /readyz}: 200 when every view's client is {@code RUNNING}, else 503.</li>
 * </ul>
 * Both answer {@code {"status":"ready","views":{"offers.v1":"RUNNING"}}} (status {@code alive}/{@code down},
 * {@code ready}/{@code not ready}). Another path is 404, another method 405, both with a JSON body.
 *
 * <p>The endpoint owns its {@link PrecomputeMetrics}, bound to the jobs it is given; {@link #close()} stops the
 * server, its threads and the metrics binders. It does not close the jobs.
 */
public final class OpsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON_TYPE = "application/json";
    private static final Set<KafkaStreams.State> DOWN =
            EnumSet.of(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.NOT_RUNNING);
    private static final int THREADS = 2;

    private final String host;
    private final List<ViewRunner.Running> jobs;
    private final PrecomputeMetrics metrics;
    private final ExecutorService executor;
    private final HttpServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OpsEndpoint(
            String host,
            List<ViewRunner.Running> jobs,
            PrecomputeMetrics metrics,
            ExecutorService executor,
            HttpServer server) {
        this.host = host;
        this.jobs = jobs;
        this.metrics = metrics;
        this.executor = executor;
        this.server = server;
    }

    /**
     * Binds {@code host:port} (port 0: a free port, see {@link #port()}) and serves the jobs.
     *
     * @throws UncheckedIOException when the address cannot be bound, naming it
     */
    public static OpsEndpoint start(String host, int port, List<ViewRunner.Running> jobs) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port=" + port + " is outside 0..65535");
        }
        List<ViewRunner.Running> views = List.copyOf(jobs);
        PrecomputeMetrics metrics = new PrecomputeMetrics();
        views.forEach(metrics::bind);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException | RuntimeException e) { // an unresolvable host is an unchecked exception
            metrics.close();
            throw new UncheckedIOException(
                    "cannot bind the ops endpoint to " + host + ":" + port + ": " + e,
                    e instanceof IOException io ? io : new IOException(e));
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "ops-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        OpsEndpoint endpoint = new OpsEndpoint(host, views, metrics, executor, server);
        server.createContext("/", endpoint::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("ops endpoint on {}", endpoint.url());
        return endpoint;
    }

    /** The bound port (the one chosen when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port}, with the configured host. */
    public String url() {
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    public PrecomputeMetrics metrics() {
        return metrics;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream body = exchange.getRequestBody()) {
            body.readAllBytes(); // requests have no body; draining keeps the connection reusable
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/metrics") && !path.equals("/healthz") && !path.equals("/readyz")) {
                json(exchange, 404, error("not found", "path", path));
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                json(exchange, 405, error("method not allowed", "method", exchange.getRequestMethod()));
                return;
            }
            switch (path) {
                case "/metrics" -> send(exchange, 200, PROMETHEUS_TEXT, metrics.scrape());
                case "/healthz" ->
                    probe(
                            exchange,
                            jobs.stream()
                                    .noneMatch(j -> DOWN.contains(j.streams().state())),
                            "alive",
                            "down");
                default ->
                    probe(
                            exchange,
                            jobs.stream().allMatch(j -> j.streams().state() == KafkaStreams.State.RUNNING),
                            "ready",
                            "not ready");
            }
        } catch (RuntimeException e) {
            LOG.warn("ops endpoint: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            throw e;
        } finally {
            exchange.close();
        }
    }

    private void probe(HttpExchange exchange, boolean ok, String yes, String no) throws IOException {
        Map<String, String> views = new LinkedHashMap<>();
        for (ViewRunner.Running job : jobs) {
            views.put(
                    job.view().name() + ".v" + job.view().version(),
                    job.streams().state().name());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ok ? yes : no);
        body.put("views", views);
        json(exchange, ok ? 200 : 503, body);
    }

    private static Map<String, String> error(String error, String name, String value) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put(name, value);
        return body;
    }

    private static void json(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body + " as JSON", e);
        }
        send(exchange, status, JSON_TYPE, text);
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops answering (the port is free when this returns), then closes the metrics. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("ops endpoint threads still running 5 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
    }
}
