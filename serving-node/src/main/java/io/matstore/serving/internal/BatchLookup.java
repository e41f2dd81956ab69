package io.matstore.serving.internal;

import io.matstore.store.ViewReader;
import io.matstore.view.json.Ascii;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v1/views/{view}/batch}: the body holds one query string per line (as after the {@code ?} of a GET),
 * at most {@code serving.batch.max.items}; every line is answered, in order, by one version of the view (pinned or
 * current, taken once for the whole batch), each item with its own status:
 * <pre>
 *   {"view":"offers","version":1,"items":[
 *     {"status":200,"value":{...same object as GET with Accept: application/json...}},
 *     {"status":404,"error":{"code":"not_found","message":"..."}}]}
 * </pre>
 * JSON unless the request's Accept prefers {@code application/x-flatbuffers}: then a {@code BatchAnswer} of
 * schemas' {@code batch.fbs}, each 200 item carrying the stored envelope as is ({@link BinaryBatchAnswer}). An item
 * whose read fails is retried on the older held versions like a GET (stale-on-error; never
 * for a pinned batch); an item none can answer is {@code 503 store_unavailable}, and one past the view's staleness
 * ceiling {@code 503 too_stale}. Not a hot path: error messages allocate.
 */
public final class BatchLookup {
    private static final byte[] ITEM_OK = Ascii.bytes("{\"status\":200,\"value\":");

    private final NodeContext node;

    public BatchLookup(NodeContext node) {
        this.node = node;
    }

    public void lookup(
            ViewRoute route, HttpRequest req, String lines, boolean keepAlive, ByteBufAllocator alloc, Answer answer) {
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
        String[] items = lines.split("\n", -1);
        int count = 0;
        for (String item : items) {
            if (!item.isBlank()) {
                count++;
            }
        }
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
        int version = reader.descriptor().version();
        if (binary) {
            BinaryBatchAnswer out = BinaryBatchAnswer.get();
            out.start();
            for (String raw : items) {
                String item = raw.strip();
                if (!item.isEmpty()) {
                    binaryItem(
                            route,
                            reader,
                            pinned != QueryKey.UNPINNED,
                            item.startsWith("?") ? item.substring(1) : item,
                            out,
                            scratch);
                }
            }
            answer.set(out.finish(alloc, route.name(), version, keepAlive), 200);
            return;
        }
        ByteBuf body = alloc.directBuffer(256 + count * 512);
        body.writeCharSequence(
                "{\"view\":\"" + route.name() + "\",\"version\":" + version + ",\"items\":[",
                StandardCharsets.US_ASCII);
        boolean first = true;
        for (String raw : items) {
            String item = raw.strip();
            if (item.isEmpty()) {
                continue;
            }
            if (!first) {
                body.writeByte(',');
            }
            first = false;
            item(
                    route,
                    reader,
                    pinned != QueryKey.UNPINNED,
                    item.startsWith("?") ? item.substring(1) : item,
                    body,
                    scratch);
        }
        body.writeCharSequence("]}", StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.readableBytes()
                + "\r\nCache-Control: no-store\r\nX-Matstore-View-Version: " + version + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        ByteBuf out = alloc.directBuffer(head.length() + body.readableBytes());
        out.writeCharSequence(head, StandardCharsets.US_ASCII);
        out.writeBytes(body);
        body.release();
        answer.set(out, 200);
    }

    private void item(
            ViewRoute route, ViewReader reader, boolean pinned, String query, ByteBuf out, RequestScratch scratch) {
        QueryKey q = scratch.query;
        int rc = q.scan(query, 0, query.length());
        if (rc == QueryKey.OK) {
            rc = q.build(reader.descriptor(), scratch.key);
        }
        if (rc != QueryKey.OK) {
            itemError(out, 400, QueryKey.errorCode(rc), q.errorMessage(rc, reader.descriptor()));
            return;
        }
        int version = reader.descriptor().version();
        PartitionGuard guard = route.guard();
        int misdirected = guard.misdirected(version, scratch.key);
        if (misdirected >= 0) {
            route.meters().onMisdirected();
            out.writeCharSequence(
                    "{\"status\":421,\"error\":" + Misdirected.error(route, guard, version, misdirected) + "}",
                    StandardCharsets.UTF_8);
            return;
        }
        int freshness = route.freshnessOf(version);
        int mark = out.writerIndex();
        out.writeBytes(ITEM_OK);
        try {
            int rendered = scratch.responder.renderJsonValue(
                    route,
                    reader,
                    scratch.key,
                    out,
                    freshness,
                    node.clockMillis().getAsLong());
            if (rendered == 200) {
                out.writeByte('}');
                if (Freshness.isStale(freshness)) {
                    route.meters().onStale();
                }
            } else if (rendered == ViewResponder.TOO_STALE) {
                out.writerIndex(mark);
                route.meters().onStale();
                itemError(out, 503, "too_stale", ViewLookup.tooStaleMessage(route, scratch.responder.lastAgeSeconds()));
            } else {
                out.writerIndex(mark);
                itemError(
                        out, 404, "not_found", "no value for this key in view " + route.name() + " version " + version);
            }
            return;
        } catch (RuntimeException e) {
            out.writerIndex(mark);
            route.meters().onReadError();
        }
        for (int v : route.heldVersions()) {
            // see ViewLookup: only versions that answered before this one, and never for a pinned batch
            ViewReader other = pinned || v >= version ? null : node.store().version(route.name(), v);
            if (other == null || !other.loaded() || q.build(other.descriptor(), scratch.key) != QueryKey.OK) {
                continue;
            }
            out.writeBytes(ITEM_OK);
            try {
                if (scratch.responder.renderJsonValue(
                                route,
                                other,
                                scratch.key,
                                out,
                                Freshness.READ_ERROR_FALLBACK,
                                node.clockMillis().getAsLong())
                        == 200) {
                    out.writeByte('}');
                    route.meters().onFallback();
                    route.meters().onStale();
                    return;
                }
            } catch (RuntimeException e) {
                route.meters().onReadError();
            }
            out.writerIndex(mark);
        }
        itemError(
                out,
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

    /** {@link #item}'s statuses and fallbacks, answered with the stored envelope instead of its JSON rendering. */
    private void binaryItem(
            ViewRoute route,
            ViewReader reader,
            boolean pinned,
            String query,
            BinaryBatchAnswer out,
            RequestScratch scratch) {
        QueryKey q = scratch.query;
        int rc = q.scan(query, 0, query.length());
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
            out.error(421, "wrong_cell", Misdirected.error(route, guard, version, misdirected));
            return;
        }
        int freshness = route.freshnessOf(version);
        ViewResponder responder = scratch.responder;
        try {
            int found = responder.readEnvelope(
                    route, reader, scratch.key, node.clockMillis().getAsLong());
            if (found == 200) {
                out.found(responder.lastEnvelope());
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
            ViewReader other = pinned || v >= version ? null : node.store().version(route.name(), v);
            if (other == null || !other.loaded() || q.build(other.descriptor(), scratch.key) != QueryKey.OK) {
                continue;
            }
            try {
                if (responder.readEnvelope(
                                route, other, scratch.key, node.clockMillis().getAsLong())
                        == 200) {
                    out.found(responder.lastEnvelope());
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

    private static void itemError(ByteBuf out, int status, String code, String message) {
        out.writeCharSequence(
                "{\"status\":" + status + ","
                        + HttpErrors.errorBody(code, message).substring(1),
                StandardCharsets.UTF_8);
    }
}
