package io.matstore.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.Partitioner;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST DOUBLE of a serving node's HTTP side, for the client's protocol tests: the real node does not serve
 * {@code GET /v1/cluster} nor answer 421 yet (issue 12, built in parallel), so this JDK {@code HttpServer} speaks
 * both as the contract (contract/cluster-contract.md) and docs/api.md say, for the offers view only: a settable
 * routing document with ETag and 304; GET and batch lookups that answer 421 {@code wrong_cell} for partitions it
 * does not hold (partition by the same KeyCodec + Partitioner as the real node), 404 for keys in {@link #missing},
 * a settable status for everything ({@link #failWith}), and requests held at a gate for keys in {@link #held}.
 * Every value is an envelope of offers v1 whose response bytes are the sku. Binds 127.0.0.1 only.
 */
final class FakeNode implements AutoCloseable {
    /** The offers view's descriptor (its module declares it); the client knows views only by name. */
    static final ViewDescriptor OFFERS_V1 = ViewDescriptor.of("offers", 1, "sku", "region", "currency", "tier");

    private static final String PROBLEM = "application/problem+json";
    static final long COMPUTED_AT_MICROS = 1_799_999_995_000_000L;

    final String id;
    final HttpServer server;
    final URI url;
    final Set<Integer> held = ConcurrentHashMap.newKeySet();
    final Set<String> missing = ConcurrentHashMap.newKeySet();
    final Set<String> heldBack = ConcurrentHashMap.newKeySet();
    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger misdirected = new AtomicInteger();
    final AtomicInteger clusterFetches = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile String cluster = "{}";
    volatile int failStatus;
    volatile String failCode;
    volatile String freshness = "fresh";
    final int partitions;

    FakeNode(String id, int partitions, Set<Integer> held) throws IOException {
        this.id = id;
        this.partitions = partitions;
        this.held.addAll(held);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/cluster", this::cluster);
        server.createContext("/v1/views/offers", this::view);
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers everything but /v1/cluster with {@code status} and {@code code} (0: normal answers). */
    void failWith(int status, String code) {
        failCode = code;
        failStatus = status;
    }

    static String etagOf(String body) {
        return "\"" + String.format("%016x", (long) body.hashCode() * 0x9E3779B97F4A7C15L) + "\"";
    }

    private void cluster(HttpExchange x) throws IOException {
        clusterFetches.incrementAndGet();
        String body = cluster;
        String etag = etagOf(body);
        x.getResponseHeaders().set("ETag", etag);
        x.getResponseHeaders().set("Cache-Control", "no-cache");
        if (etag.equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
            x.sendResponseHeaders(304, -1);
            x.close();
            return;
        }
        send(x, 200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private void view(HttpExchange x) throws IOException {
        if (failStatus != 0) {
            x.getResponseHeaders().set("Retry-After", "3");
            send(x, failStatus, PROBLEM, error(failStatus, failCode, "failing on purpose (" + id + ")"));
            return;
        }
        if (x.getRequestURI().getPath().endsWith("/batch")) {
            batch(x);
            return;
        }
        lookups.incrementAndGet();
        Map<String, String> params = params(x.getRequestURI().getRawQuery());
        if (heldBack.contains(params.get("sku"))) {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int status = statusOf(params);
        if (status == 421) {
            x.getResponseHeaders().set("X-Matstore-Routing-Generation", "1");
            int p = Partitioner.partition(KeyCodec.encode(OFFERS_V1, params), partitions);
            send(
                    x,
                    421,
                    PROBLEM,
                    problem(
                                    421,
                                    "wrong_cell",
                                    "partition " + p + " of view offers is owned by cell"
                                            + " other (routing generation 1)",
                                    ",\"partition\":" + p + ",\"cell\":\"other\",\"generation\":1")
                            .getBytes(StandardCharsets.UTF_8));
        } else if (status == 404) {
            send(x, 404, PROBLEM, error(404, "not_found", "no value for this key in view offers version 1"));
        } else if (status == 400) {
            send(x, 400, PROBLEM, error(400, "missing_parameter", "view offers needs parameter tier"));
        } else if ("application/json".equals(x.getRequestHeaders().getFirst("Accept"))) {
            send(x, 200, "application/json", json(params).getBytes(StandardCharsets.UTF_8));
        } else {
            byte[] key = KeyCodec.encode(OFFERS_V1, params);
            byte[] envelope = ResponseEnvelopes.encode(
                    OFFERS_V1,
                    key,
                    0x0123456789abcdefL,
                    COMPUTED_AT_MICROS,
                    params.get("sku").getBytes(StandardCharsets.UTF_8));
            x.getResponseHeaders().set("ETag", "\"0123456789abcdef\"");
            x.getResponseHeaders().set("Age", "5");
            x.getResponseHeaders().set("X-Matstore-Freshness", freshness);
            x.getResponseHeaders().set("X-Matstore-View-Version", "1");
            x.getResponseHeaders().set("X-Matstore-Computed-At-Micros", Long.toString(COMPUTED_AT_MICROS));
            send(x, 200, "application/x-flatbuffers", envelope);
        }
    }

    private void batch(HttpExchange x) throws IOException {
        batches.incrementAndGet();
        String[] lines = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        StringBuilder out = new StringBuilder("{\"view\":\"offers\",\"version\":1,\"items\":[");
        String sep = "";
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> params = params(line);
            int status = statusOf(params);
            out.append(sep).append("{\"status\":").append(status).append(',');
            if (status == 200) {
                out.append("\"value\":").append(json(params));
            } else if (status == 421) {
                out.append("\"error\":").append(wrongCell(params));
            } else {
                out.append("\"error\":{\"code\":\"not_found\",\"message\":\"no value for this key in view offers"
                        + " version 1\"}");
            }
            out.append('}');
            sep = ",";
        }
        send(x, 200, "application/json", out.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    private int statusOf(Map<String, String> params) {
        if (params.size() != 4) {
            return 400;
        }
        int p = Partitioner.partition(KeyCodec.encode(OFFERS_V1, params), partitions);
        if (!held.contains(p)) {
            misdirected.incrementAndGet();
            return 421;
        }
        return missing.contains(params.get("sku")) ? 404 : 200;
    }

    private String wrongCell(Map<String, String> params) {
        int p = Partitioner.partition(KeyCodec.encode(OFFERS_V1, params), partitions);
        return "{\"code\":\"wrong_cell\",\"message\":\"partition " + p + " of view offers is owned by cell other"
                + " (routing generation 1)\",\"partition\":" + p + ",\"cell\":\"other\",\"generation\":1}";
    }

    private String json(Map<String, String> params) {
        return "{\"sku\":\"" + params.get("sku") + "\",\"node\":\"" + id + "\",\"_meta\":{\"view\":\"offers\","
                + "\"version\":1,\"stale\":" + !"fresh".equals(freshness) + ",\"freshness\":\""
                + freshness.replace("stale; reason=", "") + "\"}}";
    }

    /** As a node answers errors: RFC 9457 problem details with the stable code as an extension member. */
    private static byte[] error(int status, String code, String message) {
        return problem(status, code, message, "").getBytes(StandardCharsets.UTF_8);
    }

    private static String problem(int status, String code, String message, String extensions) {
        return "{\"type\":\"about:blank\",\"title\":\"HTTP " + status + "\",\"status\":" + status + ",\"detail\":\""
                + message + "\",\"code\":\"" + code + "\"" + extensions + "}";
    }

    static Map<String, String> params(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    /**
     * A routing document for offers over {@code partitions} partitions: {@code owners[p]} lists the nodes of the
     * partition's cell as {@code node:ready:loaded} entries.
     */
    static String document(long generation, int partitions, List<List<String>> owners, Map<String, FakeNode> byId) {
        StringBuilder s = new StringBuilder("{\"cluster\":\"test\",\"generation\":" + generation + ",\"views\":{"
                + "\"offers\":{\"version\":1,\"topic\":\"view.offers.v1\",\"partitions\":" + partitions
                + ",\"partitioner\":\"kafka-murmur2\",\"dimensions\":[\"sku\",\"region\",\"currency\",\"tier\"],"
                + "\"owners\":[");
        for (int p = 0; p < partitions; p++) {
            List<String> nodes = owners.get(p);
            String cell = nodes.isEmpty()
                    ? null
                    : "cell-" + nodes.get(0).split(":")[0].charAt(0);
            s.append(p == 0 ? "" : ",")
                    .append("{\"partition\":")
                    .append(p)
                    .append(",\"cell\":")
                    .append(cell == null ? "null" : "\"" + cell + "\"")
                    .append(",\"nodes\":[");
            List<String> entries = new ArrayList<>();
            for (String n : nodes) {
                String[] f = n.split(":");
                entries.add("{\"node\":\"" + f[0] + "\",\"url\":\"" + byId.get(f[0]).url + "\",\"ready\":" + f[1]
                        + ",\"loaded\":" + f[2] + "}");
            }
            s.append(String.join(",", entries)).append("]}");
        }
        return s.append("]}}}").toString();
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
