package io.matstore.client;

import io.matstore.client.internal.Http;
import io.matstore.client.internal.Json;
import io.matstore.client.internal.Node;
import io.matstore.client.internal.Nodes;
import io.matstore.client.internal.Router;
import io.matstore.client.internal.Query;
import io.matstore.client.internal.Response;
import io.matstore.client.internal.RoutingTable;
import io.matstore.client.internal.Target;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code get}: route, send to a replica, and react to the answer.
 *
 * <pre>
 *   200            → the Lookup
 *   404, other 4xx → NotFoundException, BadRequestException (the node's code and message), no retry
 *   421 wrong_cell → refresh the routing table now, then start over once at the owner it names, never at
 *                    the node that answered 421; a 421 after that → the next replica, as for a 5xx;
 *                    none left → MisdirectedException
 *   5xx, no answer → the next replica of the owning cell (power-of-two-choices among those not tried);
 *                    none left → UnavailableException with the last Retry-After
 * </pre>
 * Each replica is tried at most once per routing attempt, so a call sends at most 2 × replicas requests. The call
 * is its own request {@link Target}: the path and query are percent-encoded straight into the request's buffer.
 * Answers arrive on the transport's event loop, where the next attempt is sent from too (it does not block); only
 * the routing refresh after a 421 moves the call to the routing thread.
 */
final class GetCall implements Target {
    private static final byte[] VIEWS = "/v1/views/".getBytes(StandardCharsets.US_ASCII);

    private final Router router;
    private final Http http;
    private final String view;
    private final Map<String, String> params;
    private final boolean json;
    private final CompletableFuture<Lookup> result = new CompletableFuture<>();
    private Node[] tried = new Node[2];
    private int triedCount;
    private boolean refreshed;
    private MatstoreClientException lastFailure;
    private RoutingTable.ViewRoute route;

    GetCall(Router router, Http http, String view, Map<String, String> params, boolean json) {
        this.router = router;
        this.http = http;
        this.view = view;
        this.params = params;
        this.json = json;
    }

    CompletableFuture<Lookup> start() {
        attempt(router.table());
        return result;
    }

    private void attempt(RoutingTable table) {
        try {
            RoutingTable.ViewRoute route = Routes.route(table, view);
            this.route = route;
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
            node.onSend();
            http.get(node.base(), this, json ? Http.JSON : Http.FLATBUFFERS).whenComplete((r, e) -> {
                node.onAnswer();
                onAnswer(node, r, e);
            });
        } catch (MatstoreClientException e) {
            result.completeExceptionally(e);
        } catch (RuntimeException e) {
            result.completeExceptionally(new MatstoreClientException(0, "client_error", e.toString(), null, e));
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

    private void onAnswer(Node node, Response r, Throwable failure) {
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
            lastFailure = Routes.misdirected(Answers.errorObject(r.body()), node);
            if (refreshed) {
                // The node's view of the cluster is ahead of the table we were given (a replica that just handed a
                // partition over, before every node has read its announcement): another replica may hold it.
                attempt(router.table());
                return;
            }
            refreshed = true;
            triedCount = 0;
            remember(node); // it said it does not hold the partition: not it again in this call
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
