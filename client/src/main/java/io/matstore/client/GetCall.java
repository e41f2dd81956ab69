package io.matstore.client;

import io.matstore.client.internal.Http;
import io.matstore.client.internal.Json;
import io.matstore.client.internal.Node;
import io.matstore.client.internal.Nodes;
import io.matstore.client.internal.Router;
import io.matstore.client.internal.RoutingTable;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code get}: route, send to a replica, and react to the answer.
 *
 * <pre>
 *   200            → the Lookup
 *   404, other 4xx → NotFoundException, BadRequestException (the node's code and message), no retry
 *   421 wrong_cell → refresh the routing table now, then start over once at the owner it names;
 *                    a second 421 → MisdirectedException
 *   5xx, no answer → the next replica of the owning cell (power-of-two-choices among those not tried);
 *                    none left → UnavailableException with the last Retry-After
 * </pre>
 * Each replica is tried at most once per routing attempt, so a call sends at most 2 × replicas requests. A blocking
 * call sends on the caller's thread (see {@link Http#get}); only the routing refresh after a 421 moves it to the
 * routing thread.
 */
final class GetCall {
    private final Router router;
    private final Http http;
    private final String view;
    private final Map<String, String> params;
    private final boolean json;
    private final boolean blocking;
    private final CompletableFuture<Lookup> result = new CompletableFuture<>();
    private Node[] tried = new Node[2];
    private int triedCount;
    private boolean refreshed;
    private MatstoreClientException lastFailure;

    GetCall(Router router, Http http, String view, Map<String, String> params, boolean json, boolean blocking) {
        this.router = router;
        this.http = http;
        this.view = view;
        this.params = params;
        this.json = json;
        this.blocking = blocking;
    }

    CompletableFuture<Lookup> start() {
        attempt(router.table());
        return result;
    }

    private void attempt(RoutingTable table) {
        try {
            RoutingTable.ViewRoute route = Routes.route(table, view);
            byte[] key = Routes.key(route, params);
            int partition = route.partition(key);
            RoutingTable.Owner owner = route.owner(partition);
            Node node = Nodes.choose(owner.candidates(), tried, triedCount);
            if (node == null) {
                result.completeExceptionally(lastFailure != null ? lastFailure
                        : Routes.noOwner(view, partition, owner.cell(), table.generation()));
                return;
            }
            remember(node);
            String url = node.base() + "/v1/views/" + route.descriptor().name() + "?"
                    + Routes.query(route.descriptor(), params);
            node.onSend();
            http.get(url, json ? Http.JSON : Http.FLATBUFFERS, blocking).whenComplete((r, e) -> {
                node.onAnswer();
                onAnswer(node, r, e);
            });
        } catch (MatstoreClientException e) {
            result.completeExceptionally(e);
        } catch (RuntimeException e) {
            result.completeExceptionally(new MatstoreClientException(0, "client_error", e.toString(), null, e));
        }
    }

    private void onAnswer(Node node, HttpResponse<byte[]> r, Throwable failure) {
        if (failure != null) {
            lastFailure = new UnavailableException(0, "unreachable", "node " + node + " did not answer: "
                    + Routes.rootCause(failure), node.url(), Duration.ZERO, failure);
            attempt(router.table());
            return;
        }
        int status = r.statusCode();
        if (status == 200) {
            result.complete(Answers.lookup(r, !json, node.url()));
        } else if (status == 421) {
            Json.Obj error = Answers.errorObject(r.body());
            if (refreshed) {
                result.completeExceptionally(Routes.misdirected(error, node));
                return;
            }
            refreshed = true;
            triedCount = 0;
            lastFailure = null;
            router.refreshNow().whenComplete((t, e) -> attempt(router.table()));
        } else if (status >= 500) {
            lastFailure = Answers.error(r, node.url());
            attempt(router.table());
        } else {
            result.completeExceptionally(Answers.error(r, node.url()));
        }
    }

    private void remember(Node node) {
        if (triedCount == tried.length) {
            tried = java.util.Arrays.copyOf(tried, tried.length * 2);
        }
        tried[triedCount++] = node;
    }
}
