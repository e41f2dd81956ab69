package io.matstore.serving.internal;

import io.matstore.store.ResponseStore;
import io.matstore.store.ViewReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * {@code POST /v1/views/{view}/batch}: the body holds one query string per line (as after the {@code ?} of a GET),
 * at most {@code serving.batch.max.items}; every line is answered, in order, by one version of the view (pinned or
 * current, taken once for the whole batch), each item with its own status. JSON ({@link JsonBatchAnswer}) unless the
 * request's Accept prefers {@code application/x-flatbuffers}: then a {@code BatchAnswer} of schemas'
 * {@code batch.fbs}, each 200 item carrying the stored envelope as is ({@link BinaryBatchAnswer}). An item whose
 * read fails is retried on the older held versions like a GET (stale-on-error; never for a pinned batch); an item
 * none can answer is {@code 503 store_unavailable}, and one past the view's staleness ceiling {@code 503 too_stale}.
 *
 * <p>One pass over the lines, which are ranges of the body's copy ({@link BatchLines}); the answer is written into
 * the response buffer as the items are looked up. A batch of values allocates nothing per item; error items
 * allocate their messages.
 */
public final class BatchLookup {
    private final NodeContext node;

    public BatchLookup(NodeContext node) {
        this.node = node;
    }

    public void lookup(
            ViewRoute route,
            HttpRequest req,
            BatchLines lines,
            boolean keepAlive,
            ByteBufAllocator alloc,
            Answer answer) {
        String accept = req.headers().get(HttpHeaderNames.ACCEPT);
        boolean binary = asFlatBuffers(accept);
        if (!binary && (route.renderer() == null || AcceptHeader.quality(accept, ViewLookup.JSON) <= 0)) {
            answer.set(
                    HttpErrors.error(
                            alloc,
                            406,
                            "not_acceptable",
                            "batch answers are application/json or "
                                    + ViewLookup.FLATBUFFERS
                                    + (route.renderer() == null
                                            ? "; view " + route.name() + " has no JSON rendering"
                                            : ""),
                            keepAlive,
                            ""),
                    406);
            return;
        }
        int count = lines.count();
        if (count > node.config().batchMaxItems()) {
            answer.set(
                    HttpErrors.error(
                            alloc,
                            413,
                            "too_many_items",
                            "items=" + count + " > serving.batch.max.items="
                                    + node.config().batchMaxItems(),
                            keepAlive,
                            ""),
                    413);
            return;
        }
        RequestScratch scratch = RequestScratch.get();
        String uri = req.uri();
        int q = uri.indexOf('?');
        scratch.query.scan(uri, q < 0 ? uri.length() : q + 1, uri.length());
        ViewReader current = node.store().current(route.name());
        int pinned = ViewLookup.pinnedVersion(req, scratch.query, current);
        if (pinned < 0) {
            answer.set(
                    HttpErrors.error(
                            alloc,
                            400,
                            "bad_version",
                            scratch.query.errorMessage(QueryKey.BAD_VERSION, null),
                            keepAlive,
                            ""),
                    400);
            return;
        }
        ViewReader reader = pinned == QueryKey.UNPINNED ? current : node.store().version(route.name(), pinned);
        if (reader == null || !reader.loaded()) {
            ViewLookup.unavailable(node, route, pinned, reader, keepAlive, alloc, answer);
            return;
        }
        answer.set(
                answer(
                        node.store(),
                        route,
                        reader,
                        pinned != QueryKey.UNPINNED,
                        lines,
                        count,
                        binary,
                        alloc,
                        keepAlive,
                        node.clockMillis().getAsLong()),
                200);
    }

    /**
     * The whole answer to the {@code count} lines, in binary or JSON, from {@code reader}'s version; {@code store} is
     * asked for older held versions only when a read fails. Also the entry point of the benchmarks' hot path.
     */
    public static ByteBuf answer(
            ResponseStore store,
            ViewRoute route,
            ViewReader reader,
            boolean pinned,
            BatchLines lines,
            int count,
            boolean binary,
            ByteBufAllocator alloc,
            boolean keepAlive,
            long nowMillis) {
        RequestScratch scratch = RequestScratch.get();
        BatchComposer out = binary ? BinaryBatchAnswer.get() : JsonBatchAnswer.get();
        out.start(alloc, route, reader.descriptor().version(), count);
        try {
            while (lines.nextLine()) {
                item(store, route, reader, pinned, lines, out, scratch, nowMillis);
            }
            return out.finish(keepAlive);
        } catch (RuntimeException | Error e) {
            out.discard();
            throw e;
        }
    }

    private static void item(
            ResponseStore store,
            ViewRoute route,
            ViewReader reader,
            boolean pinned,
            BatchLines lines,
            BatchComposer out,
            RequestScratch scratch,
            long nowMillis) {
        QueryKey q = scratch.query;
        int rc = q.scan(lines, lines.lineStart(), lines.lineEnd());
        if (rc == QueryKey.OK) {
            rc = q.build(reader.descriptor(), scratch.key);
        }
        if (rc != QueryKey.OK) {
            out.error(400, QueryKey.errorCode(rc), q.errorMessage(rc, reader.descriptor()));
            return;
        }
        int version = reader.descriptor().version();
        PartitionGuard guard = route.guard();
        int misdirected = guard.misdirected(version, scratch.key);
        if (misdirected >= 0) {
            route.meters().onMisdirected();
            out.misdirected(Misdirected.error(route, guard, version, misdirected));
            return;
        }
        int freshness = route.freshnessOf(version);
        ViewResponder responder = scratch.responder;
        try {
            int found = out.value(responder, route, reader, scratch.key, freshness, nowMillis);
            if (found == 200) {
                if (Freshness.isStale(freshness)) {
                    route.meters().onStale();
                }
            } else if (found == ViewResponder.TOO_STALE) {
                route.meters().onStale();
                out.error(503, "too_stale", ViewLookup.tooStaleMessage(route, responder.lastAgeSeconds()));
            } else {
                out.error(404, "not_found", "no value for this key in view " + route.name() + " version " + version);
            }
            return;
        } catch (RuntimeException e) {
            route.meters().onReadError();
        }
        for (int v : route.heldVersions()) {
            // see ViewLookup: only versions that answered before this one, and never for a pinned batch
            ViewReader other = pinned || v >= version ? null : store.version(route.name(), v);
            if (other == null || !other.loaded() || q.build(other.descriptor(), scratch.key) != QueryKey.OK) {
                continue;
            }
            try {
                if (out.value(responder, route, other, scratch.key, Freshness.READ_ERROR_FALLBACK, nowMillis) == 200) {
                    route.meters().onFallback();
                    route.meters().onStale();
                    return;
                }
            } catch (RuntimeException e) {
                route.meters().onReadError();
            }
        }
        out.error(
                503,
                "store_unavailable",
                "version " + version + " of view " + route.name()
                        + " cannot be read and no older held version has this key");
    }

    /**
     * Binary only when the header names {@code application/x-flatbuffers} and weighs it at least as high as JSON:
     * a batch without Accept, or with {@code * / *}, stays JSON as it always was.
     */
    static boolean asFlatBuffers(String accept) {
        return accept != null
                && accept.contains(ViewLookup.FLATBUFFERS)
                && ViewLookup.negotiate(accept) == ViewLookup.AS_FLATBUFFERS;
    }
}
