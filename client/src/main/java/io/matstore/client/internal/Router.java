package io.matstore.client.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the client's {@link RoutingTable}: fetched from {@code GET /v1/cluster} of any node (the bootstrap URLs, then
 * every node the current table names, in order, until one answers), refreshed on a timer with
 * {@code If-None-Match} (a 304 keeps the table) and at once when a node answers 421.
 *
 * <p>The table is published through a volatile field and replaced whole. A failed refresh keeps the last good table
 * (counted in {@link #failedRefreshes()}); only the first fetch, in {@link #start()}, fails the caller. Refreshes run
 * on one daemon thread, and concurrent requests for an immediate refresh share the one in flight.
 */
public final class Router implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final List<URI> bootstrap;
    private final Http http;
    private final Nodes nodes;
    private final Duration interval;
    private final ScheduledExecutorService timer;
    private final AtomicReference<CompletableFuture<RoutingTable>> inFlight = new AtomicReference<>();
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong notModified = new AtomicLong();
    private final AtomicLong failedRefreshes = new AtomicLong();
    private volatile RoutingTable table;

    public Router(List<URI> bootstrap, Http http, Nodes nodes, Duration interval) {
        if (bootstrap.isEmpty()) {
            throw new IllegalArgumentException("no bootstrap URL: give at least one node's URL");
        }
        this.bootstrap = List.copyOf(bootstrap);
        this.http = http;
        this.nodes = nodes;
        this.interval = interval;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "matstore-client-routing");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Fetches the first table, then refreshes it every interval.
     *
     * @throws IllegalStateException naming every URL tried and why it failed, when none gave a table
     */
    public void start() {
        fetch();
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::refreshQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    public RoutingTable table() {
        return table;
    }

    /** Refreshes now (or joins the refresh under way); completes with the table in force afterwards. */
    public CompletableFuture<RoutingTable> refreshNow() {
        CompletableFuture<RoutingTable> mine = new CompletableFuture<>();
        CompletableFuture<RoutingTable> running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        timer.execute(() -> {
            refreshQuietly();
            inFlight.set(null);
            mine.complete(table);
        });
        return mine;
    }

    private void refreshQuietly() {
        try {
            fetch();
        } catch (RuntimeException e) {
            failedRefreshes.incrementAndGet();
            RoutingTable kept = table;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "routing table refresh failed; the client keeps routing by generation "
                            + (kept == null ? "none" : kept.generation()) + " until the next attempt: "
                            + e.getMessage());
        }
    }

    /** One round over the known URLs; the first node that answers 200 or 304 ends it. */
    private synchronized void fetch() {
        RoutingTable current = table;
        Set<String> urls = new LinkedHashSet<>();
        for (URI u : bootstrap) {
            urls.add(nodes.of(u).base());
        }
        if (current != null) {
            for (Node n : current.nodes()) {
                urls.add(n.base());
            }
        }
        List<String> failures = new ArrayList<>();
        for (String base : urls) {
            try {
                fetches.incrementAndGet();
                Response r = http.getDocument(base, "/v1/cluster", current == null ? null : current.etag());
                if (r.statusCode() == 304 && current != null) {
                    notModified.incrementAndGet();
                    return;
                }
                String body = new String(r.body(), StandardCharsets.UTF_8);
                if (r.statusCode() != 200) {
                    failures.add(base + " answered " + r.statusCode() + " " + Json.abbreviate(body));
                    continue;
                }
                table = RoutingTable.parse(body, r.header("ETag"), nodes);
                return;
            } catch (java.io.IOException | RuntimeException e) {
                failures.add(base + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(base + ": interrupted");
                break;
            }
        }
        throw new IllegalStateException(
                "no node gave a routing table (GET /v1/cluster): " + String.join("; ", failures));
    }

    /** Requests of /v1/cluster sent, to any node. */
    public long fetches() {
        return fetches.get();
    }

    /** Refreshes answered 304. */
    public long notModified() {
        return notModified.get();
    }

    public long failedRefreshes() {
        return failedRefreshes.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
