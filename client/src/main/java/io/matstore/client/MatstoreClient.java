package io.matstore.client;

import io.matstore.client.internal.Guards;
import io.matstore.client.internal.Http;
import io.matstore.client.internal.Node;
import io.matstore.client.internal.Nodes;
import io.matstore.client.internal.Router;
import io.matstore.client.internal.RoutingTable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Java client of a matstore cluster: give it the URLs of any nodes, ask for a view's value by its parameters,
 * and it sends the request in one hop to a node of the cell that owns the key.
 *
 * <pre>
 * try (MatstoreClient client = MatstoreClient.builder()
 *         .bootstrap(List.of(URI.create("http://node-a:8080"), URI.create("http://node-b:8080"))).build()) {
 *     Lookup offer = client.get("offers", Map.of("sku", "SKU-1", "region", "eu", "currency", "EUR", "tier", "gold"));
 *     OfferResponse o = OfferResponse.getRootAsOfferResponse(offer.envelope().responseAsByteBuffer());
 * }
 * </pre>
 *
 * <p><b>Routing.</b> The client fetches the cluster's routing table ({@code GET /v1/cluster}) from any node at
 * {@link MatstoreClientBuilder#build()}, refreshes it every {@code refreshInterval} with {@code If-None-Match}, and at
 * once when a node answers 421. A key goes: parameters → canonical key bytes ({@code KeyCodec}, the table's dimension
 * order) → partition ({@code Partitioner}, the view topic's own partitioner, so it is the partition of the record in
 * the topic) → the owning cell's nodes with the partition loaded (ready ones first) → one of them by
 * power-of-two-choices on this client's requests in flight.
 *
 * <p><b>Errors</b> are typed, all {@link MatstoreClientException}s: {@link NotFoundException} (404),
 * {@link BadRequestException} (400 and other refusals, with the node's code and message),
 * {@link UnavailableException} (every replica answered 503 or did not answer; with {@code Retry-After}),
 * {@link MisdirectedException} (421 from every replica left after a routing refresh). 5xx and connection failures
 * move to another replica of the cell before giving up.
 *
 * <p><b>Resilience</b> (docs/client.md "Resilience"): a deadline per lookup; a retry only on no answer or 503,
 * within a per-client retry budget (~10 % of successes); a circuit breaker per node; hedging to another replica after
 * the replicas' p99 (own budget, ~5 %); an adaptive (AIMD) concurrency limit per node; optionally a cache of last
 * good answers that honours {@code max-age}, {@code stale-while-revalidate} and {@code stale-if-error}. Counters in
 * {@link #stats()}, {@link #nodeStats()}, and Micrometer when a registry is given.
 *
 * <p><b>Transport.</b> Netty HTTP/1.1 (epoll where available, NIO otherwise): per node a pool of keep-alive
 * connections, one request per connection at a time, a deadline per request ({@code requestTimeout}); the request
 * is written as bytes without building its URL, the body copied once into the {@link Lookup}. Chosen by
 * measurement against the JDK's {@code HttpClient} (docs/benchmarks.md "Client"). Answers complete on the client's
 * I/O threads: code chained on {@link #getAsync} must not block.
 *
 * <p>Thread-safe; one instance per application. {@link #close()} stops the routing refresh, closes the connections
 * and stops the I/O threads.
 */
public final class MatstoreClient implements AutoCloseable {
    private final Router router;
    private final Http http;
    private final int batchSize;
    private final Nodes nodes;
    private final Guards guards;
    private final LookupCache cache;

    MatstoreClient(Router router, Http http, int batchSize, Nodes nodes, Guards guards, LookupCache cache) {
        this.cache = cache;
        this.router = router;
        this.http = http;
        this.batchSize = batchSize;
        this.nodes = nodes;
        this.guards = guards;
    }

    public static MatstoreClientBuilder builder() {
        return new MatstoreClientBuilder();
    }

    static MatstoreClient start(MatstoreClientBuilder b) {
        Http http = new Http(b.connectTimeout(), b.requestTimeout(), b.ioThreads(), b.tls());
        Nodes nodes = new Nodes(b.resilience());
        Router router = new Router(b.bootstrap(), http, nodes, b.refreshInterval());
        try {
            router.start();
        } catch (IllegalStateException e) {
            router.close();
            http.close();
            throw new UnavailableException(0, "unreachable", e.getMessage(), null, java.time.Duration.ZERO, e);
        }
        Guards guards = new Guards(b.resilience());
        LookupCache cache = b.cacheEntries() > 0
                ? new LookupCache(b.cacheEntries(), b.resilience().clock())
                : null;
        if (b.meterRegistry() != null) {
            ClientMetrics.bind(b.meterRegistry(), guards, nodes, cache);
        }
        return new MatstoreClient(router, http, b.batchSize(), nodes, guards, cache);
    }

    /**
     * The value of one key, blocking; the body is the stored {@code ResponseEnvelope} ({@link Lookup#envelope()}).
     *
     * @param params exactly the view's dimensions, each with its value
     * @throws MatstoreClientException or a subclass, see the class comment
     */
    public Lookup get(String view, Map<String, String> params) {
        Http.checkMayBlock("get");
        return join(call(view, params, false, guards.settings.deadlineNanos()).start());
    }

    /**
     * {@link #get} within {@code deadline} instead of the client's default: retries and hedges included, after it
     * the lookup fails with {@link UnavailableException} {@code deadline_exceeded} (or the last node's error).
     */
    public Lookup get(String view, Map<String, String> params, Duration deadline) {
        Http.checkMayBlock("get");
        return join(call(view, params, false, deadline.toNanos()).start());
    }

    /** {@link #get} without blocking: the future fails with the same typed exceptions. */
    public CompletableFuture<Lookup> getAsync(String view, Map<String, String> params) {
        return call(view, params, false, guards.settings.deadlineNanos()).start();
    }

    public CompletableFuture<Lookup> getAsync(String view, Map<String, String> params, Duration deadline) {
        return call(view, params, false, deadline.toNanos()).start();
    }

    private GetCall call(String view, Map<String, String> params, boolean json, long deadlineNanos) {
        return new GetCall(router, http, guards, cache, false, view, params, json, deadlineNanos);
    }

    /** The counters of the resilience mechanisms since the client started. */
    public ClientStats stats() {
        return new ClientStats(
                guards.calls.sum(),
                guards.retriesSent.sum(),
                guards.retries.exhausted(),
                guards.hedgesSent.sum(),
                guards.hedgesWon.sum(),
                guards.hedges.exhausted(),
                guards.circuitOpenFailures.sum(),
                guards.limitFailures.sum(),
                guards.deadlineFailures.sum(),
                cache == null ? 0 : cache.hits.sum(),
                cache == null ? 0 : cache.staleWhileRevalidate.sum(),
                cache == null ? 0 : cache.staleIfError.sum(),
                cache == null ? 0 : cache.revalidated.sum());
    }

    /** What the client knows of one node it has seen, or null. */
    public NodeStats nodeStats(URI url) {
        for (Node n : nodes.all()) {
            if (n.url().equals(url)) {
                return NodeStats.of(n);
            }
        }
        return null;
    }

    /** Every node the client has seen. */
    public List<NodeStats> nodeStats() {
        List<NodeStats> all = new ArrayList<>();
        for (Node n : nodes.all()) {
            all.add(NodeStats.of(n));
        }
        return all;
    }

    /** {@link #get}, answered in the view's JSON rendering ({@link Lookup#json()}), e.g. for tools. */
    public Lookup getJson(String view, Map<String, String> params) {
        Http.checkMayBlock("getJson");
        return join(call(view, params, true, guards.settings.deadlineNanos()).start());
    }

    /**
     * Many keys of one view: one batch request per owning cell (at most {@code batchSize} keys each), sent in
     * parallel; blocks until every batch is answered.
     *
     * @return one result per key, in the order of {@code keys}; a key's error is in its result, never thrown
     */
    public List<LookupResult> getAll(String view, List<Map<String, String>> keys) {
        Http.checkMayBlock("getAll");
        return join(getAllAsync(view, keys));
    }

    public CompletableFuture<List<LookupResult>> getAllAsync(String view, List<Map<String, String>> keys) {
        return new BatchCall(router, http, view, keys, batchSize).start();
    }

    /**
     * The partition the client routes these parameters to by its current routing table: the partition of the
     * record with this key in the view topic.
     */
    public int partition(String view, Map<String, String> params) {
        RoutingTable.ViewRoute route = Routes.route(router.table(), view);
        return route.partition(Routes.key(route, params));
    }

    /** The generation of the routing table in force. */
    public long routingGeneration() {
        return router.table().generation();
    }

    /** Requests of {@code /v1/cluster} sent so far, and how many of them were answered 304. */
    public long routingFetches() {
        return router.fetches();
    }

    public long routingNotModified() {
        return router.notModified();
    }

    @Override
    public void close() {
        router.close();
        http.close();
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof MatstoreClientException m) {
                throw m;
            }
            throw new MatstoreClientException(0, "client_error", String.valueOf(e.getCause()), null, e.getCause());
        }
    }
}
