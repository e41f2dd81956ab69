package io.matstore.client;

import io.matstore.client.internal.Guards;
import io.matstore.client.internal.Http;
import io.matstore.client.internal.Node;
import io.matstore.client.internal.Nodes;
import io.matstore.client.internal.Query;
import io.matstore.client.internal.Response;
import io.matstore.client.internal.Router;
import io.matstore.client.internal.RoutingTable;
import io.matstore.client.internal.Target;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One {@code get}: route, send to a replica, and react to the answer, within the call's deadline.
 *
 * <pre>
 *   200            → the Lookup (a hedge still in flight is abandoned)
 *   404, other 4xx → NotFoundException, BadRequestException (the node's code and message), never retried
 *   421 wrong_cell → refresh the routing table now, then start over once at the owner it names, never at
 *                    the node that answered 421; a 421 after that → the next replica, as for a 503;
 *                    none left → MisdirectedException
 *   503, no answer → (refused, reset, timed out) the next replica of the owning cell, if the retry budget has a
 *                    token and the deadline time left; the node is avoided for its Retry-After
 *   other 5xx      → UnavailableException, not retried (a node's bug is not a replica's to fix)
 *   not answered after the hedge delay → the same request to another replica too (hedge budget); first wins
 * </pre>
 * Each replica is tried at most once per routing attempt. Replicas whose breaker is open, that asked to be left alone
 * (Retry-After) or that are at this client's concurrency limit for them are skipped; when that leaves none the call
 * fails at once ({@code circuit_open}, {@link ConcurrencyLimitException}). The call is its own request
 * {@link Target}: the path and query are percent-encoded straight into the request's buffer. Answers arrive on the
 * transport's event loops (a hedge may be answered on another one than its original), so the state is guarded by
 * the call's monitor, never contended but by a hedge.
 */
final class GetCall implements Target, Runnable {
    private static final byte[] VIEWS = "/v1/views/".getBytes(StandardCharsets.US_ASCII);
    private static final int FIRST = 0;
    private static final int RETRY = 1;
    private static final int HEDGE = 2;

    private final Router router;
    private final Http http;
    private final Guards guards;
    private final String view;
    private final Map<String, String> params;
    private final boolean json;
    private final long deadlineAt;
    private final CompletableFuture<Lookup> result = new CompletableFuture<>();
    private Node[] tried = new Node[2];
    private int triedCount;
    private Attempt[] inFlight = new Attempt[2];
    private int inFlightCount;
    private boolean refreshed;
    private boolean skippedUnavailable;
    private MatstoreClientException lastFailure;
    private RoutingTable.ViewRoute route;
    private ScheduledFuture<?> hedgeTimer;
    private final LookupCache cache;
    private final boolean revalidation;
    private String cacheKey;
    private LookupCache.Entry cached;
    /** The outcome is decided (under the monitor) ... */
    private boolean done;
    /** ... and handed to the caller's future (outside it, see {@link #publish()}). */
    private boolean published;

    private Lookup outcome;
    private MatstoreClientException failedWith;

    GetCall(
            Router router,
            Http http,
            Guards guards,
            String view,
            Map<String, String> params,
            boolean json,
            long deadlineNanos) {
        this(router, http, guards, null, false, view, params, json, deadlineNanos);
    }

    /**
     * @param cache        the client's cache, or null
     * @param revalidation a background revalidation of a cached entry (never answered from the cache)
     */
    GetCall(
            Router router,
            Http http,
            Guards guards,
            LookupCache cache,
            boolean revalidation,
            String view,
            Map<String, String> params,
            boolean json,
            long deadlineNanos) {
        this.router = router;
        this.http = http;
        this.guards = guards;
        this.cache = json ? null : cache;
        this.revalidation = revalidation;
        this.view = view;
        this.params = params;
        this.json = json;
        this.deadlineAt = guards.settings.clock().getAsLong() + deadlineNanos;
    }

    CompletableFuture<Lookup> start() {
        guards.calls.increment();
        if (cache != null && fromCache()) {
            return result;
        }
        synchronized (this) {
            attempt(FIRST);
        }
        publish();
        return result;
    }

    /** @return true when the cache answered (and maybe started a background revalidation) */
    private boolean fromCache() {
        try {
            RoutingTable.ViewRoute r = Routes.route(router.table(), view);
            cacheKey = LookupCache.key(view, Routes.key(r, params));
        } catch (MatstoreClientException e) {
            return false; // the attempt reports it
        }
        cached = cache.get(cacheKey);
        if (cached == null || revalidation) {
            return false;
        }
        long age = cache.ageNanos(cached);
        if (age <= cached.maxAge()) {
            cache.hits.increment();
            result.complete(cached.lookup());
            return true;
        }
        if (age <= cached.maxAge() + cached.staleWhileRevalidate()) {
            cache.staleWhileRevalidate.increment();
            result.complete(cached.lookup());
            String key = cacheKey;
            if (cache.refreshing.add(key)) {
                new GetCall(router, http, guards, cache, true, view, params, false, guards.settings.deadlineNanos())
                        .start()
                        .whenComplete((l, e) -> cache.refreshing.remove(key));
            }
            return true;
        }
        return false;
    }

    /** The hedge timer. */
    @Override
    public void run() {
        synchronized (this) {
            if (!done && inFlightCount == 1) {
                attempt(HEDGE);
            }
        }
        publish();
    }

    private void attempt(int kind) {
        if (done) {
            return;
        }
        long left = deadlineAt - guards.settings.clock().getAsLong();
        if (left <= 0) {
            if (inFlightCount == 0) {
                guards.deadlineFailures.increment();
                fail(new UnavailableException(
                        0,
                        "deadline_exceeded",
                        "no answer for " + view + " within the call's" + " deadline"
                                + (lastFailure == null ? "" : "; last: " + lastFailure.getMessage()),
                        lastFailure == null ? null : lastFailure.node(),
                        Duration.ZERO,
                        lastFailure));
            }
            return;
        }
        RoutingTable table = router.table();
        try {
            RoutingTable.ViewRoute route = Routes.route(table, view);
            this.route = route;
            byte[] key = Routes.key(route, params);
            int partition = route.partition(key);
            RoutingTable.Owner owner = route.owner(partition);
            if (kind != FIRST && !(kind == HEDGE ? guards.hedges : guards.retries).tryAcquire()) {
                if (kind == RETRY) {
                    fail(lastFailure); // the budget is spent: the failure stands, no retry storm
                }
                return;
            }
            Node node = pick(owner.candidates());
            if (node == null) {
                if (kind != HEDGE && inFlightCount == 0) {
                    fail(noReplica(owner, partition, table));
                }
                return;
            }
            send(node, kind, left, owner.candidates());
        } catch (MatstoreClientException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new MatstoreClientException(0, "client_error", e.toString(), null, e));
        }
    }

    /** A replica not tried yet whose breaker and concurrency limit let a request through, or null. */
    private Node pick(Node[] candidates) {
        while (true) {
            Node node = Nodes.choose(candidates, tried, triedCount);
            if (node == null) {
                return null;
            }
            remember(node);
            if (!node.breaker().tryAcquire()) {
                skippedUnavailable = true;
                continue;
            }
            if (!node.limit().tryAcquire()) {
                node.breaker().onCancelled();
                lastFailure = new ConcurrencyLimitException(
                        "node " + node + " has " + node.limit().inFlight()
                                + " lookups of this client in flight, its concurrency limit "
                                + node.limit().limit(),
                        node.url());
                continue;
            }
            return node;
        }
    }

    private MatstoreClientException noReplica(RoutingTable.Owner owner, int partition, RoutingTable table) {
        if (lastFailure instanceof ConcurrencyLimitException) {
            guards.limitFailures.increment();
            return lastFailure;
        }
        if (lastFailure != null) {
            return lastFailure;
        }
        if (skippedUnavailable || Nodes.anyUnavailable(owner.candidates(), tried, triedCount)) {
            guards.circuitOpenFailures.increment();
            return new UnavailableException(
                    0,
                    "circuit_open",
                    "every replica of partition " + partition + " of "
                            + view + " is failing (circuit open or Retry-After pending): "
                            + Arrays.toString(owner.candidates()),
                    null,
                    Duration.ZERO,
                    null);
        }
        return Routes.noOwner(view, partition, owner.cell(), table.generation());
    }

    private void send(Node node, int kind, long left, Node[] replicas) {
        if (kind == RETRY) {
            guards.retriesSent.increment();
        } else if (kind == HEDGE) {
            guards.hedgesSent.increment();
        }
        Attempt a = new Attempt(node, kind == HEDGE, guards.settings.clock().getAsLong());
        if (inFlightCount == inFlight.length) {
            inFlight = Arrays.copyOf(inFlight, inFlight.length * 2);
        }
        inFlight[inFlightCount++] = a;
        node.onSend();
        a.request = http.get(
                node.base(),
                this,
                json ? Http.JSON : Http.FLATBUFFERS,
                left,
                cached == null ? null : cached.lookup().etag());
        a.request.whenComplete(a);
        if (kind == FIRST && guards.settings.hedging() && !done && inFlightCount == 1 && replicas.length > 1) {
            long delay = guards.hedgeDelayNanos(replicas);
            if (delay < left) {
                hedgeTimer = http.schedule(this, delay);
            }
        }
    }

    /** {@code /v1/views/{view}?dim=value&...}, the view's dimension order, values percent-encoded as UTF-8. */
    @Override
    public void writeTarget(ByteBuf out) {
        out.writeBytes(VIEWS);
        Query.writeEncoded(out, route.descriptor().name());
        List<String> dims = route.descriptor().dimensions();
        for (int i = 0; i < dims.size(); i++) {
            String dim = dims.get(i);
            out.writeByte(i == 0 ? '?' : '&');
            Query.writeEncoded(out, dim);
            out.writeByte('=');
            Query.writeEncoded(out, params.get(dim));
        }
    }

    private void onAnswer(Attempt a, Response r, Throwable failure) {
        synchronized (this) {
            react(a, r, failure);
        }
        publish();
    }

    private void react(Attempt a, Response r, Throwable failure) {
        Node node = a.node;
        node.onAnswer();
        for (int i = 0; i < inFlightCount; i++) {
            if (inFlight[i] == a) {
                inFlight[i] = inFlight[--inFlightCount];
                inFlight[inFlightCount] = null;
                break;
            }
        }
        long latency = guards.settings.clock().getAsLong() - a.sentAt;
        if (failure instanceof CancellationException) {
            node.limit().onIgnore();
            node.breaker().onCancelled();
            node.onAbandoned();
            return;
        }
        if (failure != null) {
            node.breaker().onFailure();
            if (failure instanceof SocketTimeoutException) {
                node.limit().onDrop();
            } else {
                node.limit().onIgnore();
            }
            lastFailure = new UnavailableException(
                    0,
                    "unreachable",
                    "node " + node + " did not answer: " + Routes.rootCause(failure),
                    node.url(),
                    Duration.ZERO,
                    failure);
            retryUnlessHedged();
            return;
        }
        int status = r.statusCode();
        if (status == 503) {
            node.breaker().onFailure();
            UnavailableException e = (UnavailableException) Answers.error(r, node.url());
            if ("overloaded".equals(e.code())) {
                node.limit().onDrop();
            } else {
                node.limit().onIgnore();
            }
            if (!e.retryAfter().isZero()) {
                node.backOff(e.retryAfter().toNanos());
            }
            lastFailure = e;
            retryUnlessHedged();
            return;
        }
        if (status >= 500) {
            node.breaker().onFailure();
            node.limit().onIgnore();
            fail(Answers.error(r, node.url()));
            return;
        }
        // The node works, whatever it says about this key.
        node.breaker().onSuccess();
        node.limit().onSuccess(latency);
        if (status != 200) {
            node.recordLatency(latency);
        }
        if (status == 200) {
            node.recordAnswer(latency);
            guards.retries.onSuccess();
            guards.hedges.onSuccess();
            if (a.hedge && !done) {
                guards.hedgesWon.increment();
            }
            Lookup lookup = Answers.lookup(r, !json, node.url());
            if (cache != null && cacheKey != null && !done) {
                cache.put(cacheKey, lookup, r.header("Cache-Control"));
            }
            succeed(lookup);
        } else if (status == 304 && cached != null) {
            node.recordAnswer(latency);
            guards.retries.onSuccess();
            guards.hedges.onSuccess();
            if (!done) {
                cache.renew(cacheKey, cached);
            }
            succeed(cached.lookup());
        } else if (status == 421) {
            lastFailure = Routes.misdirected(Answers.errorObject(r.body()), node);
            if (inFlightCount > 0 || done) {
                return; // the other request may still find the key where the table says it is
            }
            if (refreshed) {
                // The node's view of the cluster is ahead of the table we were given (a replica that just handed a
                // partition over, before every node has read its announcement): another replica may hold it.
                attempt(FIRST);
                return;
            }
            refreshed = true;
            triedCount = 0;
            remember(node); // it said it does not hold the partition: not it again in this call
            router.refreshNow().whenComplete((t, e) -> {
                synchronized (this) {
                    attempt(FIRST);
                }
                publish();
            });
        } else {
            fail(Answers.error(r, node.url()));
        }
    }

    /** A request failed: another replica, unless a hedge of this call is still on its way. */
    private void retryUnlessHedged() {
        if (inFlightCount == 0 && !done) {
            attempt(RETRY);
        }
    }

    private void succeed(Lookup lookup) {
        if (!done) {
            done = true;
            outcome = lookup;
            abandonOthers();
        }
    }

    /**
     * Completes the caller's future with the outcome, outside the call's monitor: whatever the caller chained on it
     * runs then, and must not hold up a hedge's answer arriving on another I/O thread.
     */
    private void publish() {
        Lookup value;
        MatstoreClientException error;
        synchronized (this) {
            if (!done || published) {
                return;
            }
            published = true;
            value = outcome;
            error = failedWith;
        }
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(value);
        }
    }

    private void fail(MatstoreClientException e) {
        if (cached != null && e instanceof UnavailableException) {
            long age = cache.ageNanos(cached);
            if (age <= cached.maxAge() + cached.staleIfError()) {
                if (!done) {
                    cache.staleIfError.increment();
                    succeed(cached.lookup().staleFromCache("client-stale-if-error", Duration.ofNanos(age)));
                }
                return;
            }
        }
        if (!done) {
            done = true;
            failedWith = e;
            abandonOthers();
        }
    }

    private void abandonOthers() {
        if (hedgeTimer != null) {
            hedgeTimer.cancel(false);
        }
        for (int i = 0; i < inFlightCount; i++) {
            Http.abort(inFlight[i].request);
        }
    }

    private void remember(Node node) {
        if (triedCount == tried.length) {
            tried = Arrays.copyOf(tried, tried.length * 2);
        }
        tried[triedCount++] = node;
    }

    /** One request of this call to one node, and the callback of its answer. */
    private final class Attempt implements BiConsumer<Response, Throwable> {
        final Node node;
        final boolean hedge;
        final long sentAt;
        CompletableFuture<Response> request;

        Attempt(Node node, boolean hedge, long sentAt) {
            this.node = node;
            this.hedge = hedge;
            this.sentAt = sentAt;
        }

        @Override
        public void accept(Response r, Throwable failure) {
            onAnswer(this, r, failure);
        }
    }
}
