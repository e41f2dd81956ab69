package io.matstore.client;

import io.matstore.client.internal.Http;
import io.matstore.client.internal.Json;
import io.matstore.client.internal.Node;
import io.matstore.client.internal.Nodes;
import io.matstore.client.internal.Response;
import io.matstore.client.internal.Router;
import io.matstore.client.internal.RoutingTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code getAll}: the keys grouped by the owner of their partition, one {@code POST /v1/views/{view}/batch} per
 * owner (split into batches of at most {@code batchSize} lines), all sent at once, each answered item put back at its
 * key's index. A whole batch that fails (5xx, no answer) goes to the owner's next replica; items answered 421 are
 * routed again, once, after an immediate routing refresh. Every key gets a result; nothing here throws.
 */
final class BatchCall {
    private final Router router;
    private final Http http;
    private final String view;
    private final List<Map<String, String>> keys;
    private final int batchSize;
    private final LookupResult[] results;

    BatchCall(Router router, Http http, String view, List<Map<String, String>> keys, int batchSize) {
        this.router = router;
        this.http = http;
        this.view = view;
        this.keys = keys;
        this.batchSize = batchSize;
        this.results = new LookupResult[keys.size()];
    }

    CompletableFuture<List<LookupResult>> start() {
        List<Integer> all = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            all.add(i);
        }
        return route(all, false).thenApply(v -> List.of(results));
    }

    private CompletableFuture<Void> route(List<Integer> indices, boolean afterRefresh) {
        RoutingTable table = router.table();
        RoutingTable.ViewRoute route;
        try {
            route = Routes.route(table, view);
        } catch (MatstoreClientException e) {
            indices.forEach(i -> fail(i, e, 0));
            return CompletableFuture.completedFuture(null);
        }
        Map<RoutingTable.Owner, List<Integer>> groups = new IdentityHashMap<>();
        for (int i : indices) {
            try {
                int partition = route.partition(Routes.key(route, keys.get(i)));
                RoutingTable.Owner owner = route.owner(partition);
                if (owner.candidates().length == 0) {
                    fail(i, Routes.noOwner(view, partition, owner.cell(), table.generation()), 0);
                } else {
                    groups.computeIfAbsent(owner, o -> new ArrayList<>()).add(i);
                }
            } catch (MatstoreClientException e) {
                fail(i, e, 0);
            }
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (Map.Entry<RoutingTable.Owner, List<Integer>> g : groups.entrySet()) {
            List<Integer> members = g.getValue();
            for (int from = 0; from < members.size(); from += batchSize) {
                List<Integer> chunk = members.subList(from, Math.min(members.size(), from + batchSize));
                sent.add(send(route, g.getKey().candidates(), chunk, new Node[0], null, afterRefresh));
            }
        }
        return CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
    }

    private CompletableFuture<Void> send(
            RoutingTable.ViewRoute route,
            Node[] candidates,
            List<Integer> chunk,
            Node[] tried,
            MatstoreClientException lastFailure,
            boolean afterRefresh) {
        Node node = Nodes.choose(candidates, tried, tried.length);
        if (node == null) {
            chunk.forEach(i -> fail(i, lastFailure, 0));
            return CompletableFuture.completedFuture(null);
        }
        Node[] triedNow = Arrays.copyOf(tried, tried.length + 1);
        triedNow[tried.length] = node;
        StringBuilder body = new StringBuilder(chunk.size() * 64);
        for (int i : chunk) {
            body.append(Routes.query(route.descriptor(), keys.get(i))).append('\n');
        }
        node.onSend();
        return http.post(node.base(), "/v1/views/" + route.descriptor().name() + "/batch", body.toString())
                .handle((r, e) -> {
                    node.onAnswer();
                    if (e != null) {
                        return send(
                                route,
                                candidates,
                                chunk,
                                triedNow,
                                new UnavailableException(
                                        0,
                                        "unreachable",
                                        "node " + node + " did not answer: " + Routes.rootCause(e),
                                        node.url(),
                                        Duration.ZERO,
                                        e),
                                afterRefresh);
                    }
                    if (r.statusCode() >= 500) {
                        return send(route, candidates, chunk, triedNow, Answers.error(r, node.url()), afterRefresh);
                    }
                    if (r.statusCode() != 200) {
                        MatstoreClientException whole = Answers.error(r, node.url());
                        chunk.forEach(i -> fail(i, whole, 0));
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return onItems(r, node, chunk, afterRefresh);
                })
                .thenCompose(f -> f);
    }

    private CompletableFuture<Void> onItems(Response r, Node node, List<Integer> chunk, boolean afterRefresh) {
        Json.Obj answer;
        try {
            answer = Json.parseObject(new String(r.body(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            MatstoreClientException bad = new MatstoreClientException(
                    200,
                    "bad_answer",
                    "node " + node + " answered a batch that is not JSON: " + e.getMessage(),
                    node.url(),
                    e);
            chunk.forEach(i -> fail(i, bad, 0));
            return CompletableFuture.completedFuture(null);
        }
        int version = (int) answer.number("version", 0);
        List<?> items = answer.list("items");
        List<Integer> misdirected = new ArrayList<>();
        for (int k = 0; k < chunk.size(); k++) {
            int i = chunk.get(k);
            Json.Obj item = k < items.size() && items.get(k) instanceof Json.Obj o ? o : null;
            int status = item == null ? 0 : (int) item.number("status", 0);
            if (status == 200 && item.obj("value") != null) {
                Json.Obj value = item.obj("value");
                Json.Obj meta = value.obj("_meta");
                results[i] = new LookupResult(
                        keys.get(i),
                        200,
                        value.source(),
                        version,
                        Freshness.ofMeta(meta == null ? null : meta.string("freshness")),
                        node.url(),
                        null);
            } else if (status == 421 && !afterRefresh) {
                misdirected.add(i);
            } else if (status == 421) {
                fail(i, Routes.misdirected(item.obj("error"), node), version);
            } else if (item == null) {
                fail(
                        i,
                        new MatstoreClientException(
                                200,
                                "bad_answer",
                                "node " + node + " answered " + items.size() + " items for " + chunk.size() + " keys",
                                node.url(),
                                null),
                        version);
            } else {
                fail(i, Answers.error(status, item.obj("error"), Duration.ZERO, node.url()), version);
            }
        }
        if (misdirected.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return router.refreshNow().thenCompose(t -> route(misdirected, true));
    }

    private void fail(int i, MatstoreClientException e, int version) {
        results[i] = new LookupResult(keys.get(i), e.status(), null, version, null, e.node(), e);
    }
}
