package io.matstore.serving.internal;

import io.matstore.store.ResponseStore;
import io.matstore.store.ViewReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/views/{view}?dims}: query → canonical key → the version that answers (pinned or current) →
 * {@link ViewResponder}. Stale-on-error lives here: when the read of the current version throws, the held versions
 * OLDER than it are tried, newest first, and the first value found answers, marked
 * {@code stale; reason=read-error-fallback}; when none has it, 503 with Retry-After. Only older versions, because
 * they answered before this one became current, whereas a newer held version has never answered unpinned requests:
 * it is a candidate being loaded or validated, or one that failed validation. A pinned request never falls back:
 * the client asked for that version's answer, and another version's would be a different answer.
 *
 * <p>A value last known current longer ago than the view's staleness ceiling is not served: 503 {@code too_stale}.
 * The fast path (valid query, current version readable) allocates nothing.
 */
public final class ViewLookup {
    private static final Logger LOG = LoggerFactory.getLogger(ViewLookup.class);
    static final String FLATBUFFERS = "application/x-flatbuffers";
    static final String JSON = "application/json";
    static final int AS_FLATBUFFERS = 0;
    static final int AS_JSON = 1;
    static final int NOT_ACCEPTABLE = -1;

    private ViewLookup() {}

    public static void get(
            NodeContext node,
            ViewRoute route,
            HttpRequest req,
            String uri,
            int pathEnd,
            boolean keepAlive,
            ByteBufAllocator alloc,
            Answer answer) {
        RequestScratch scratch = RequestScratch.get();
        QueryKey query = scratch.query;
        int scanned = query.scan(uri, Math.min(pathEnd + 1, uri.length()), uri.length());
        if (scanned != QueryKey.OK) {
            badRequest(alloc, scanned, query.errorMessage(scanned, null), keepAlive, answer);
            return;
        }
        ResponseStore store = node.store();
        ViewReader current = store.current(route.name());
        int pinned = pinnedVersion(req, query, current);
        if (pinned < 0) {
            badRequest(alloc, QueryKey.BAD_VERSION, query.errorMessage(QueryKey.BAD_VERSION, null), keepAlive, answer);
            return;
        }
        ViewReader reader = pinned == QueryKey.UNPINNED ? current : store.version(route.name(), pinned);
        if (reader == null || !reader.loaded()) {
            unavailable(node, route, pinned, reader, keepAlive, alloc, answer);
            return;
        }
        int built = query.build(reader.descriptor(), scratch.key);
        if (built != QueryKey.OK) {
            badRequest(alloc, built, query.errorMessage(built, reader.descriptor()), keepAlive, answer);
            return;
        }
        PartitionGuard guard = route.guard();
        int misdirected = guard.misdirected(reader.descriptor().version(), scratch.key);
        if (misdirected >= 0) {
            Misdirected.answer(alloc, route, guard, reader.descriptor().version(), misdirected, keepAlive, answer);
            return;
        }
        int format = negotiate(req.headers().get(HttpHeaderNames.ACCEPT));
        if (format == NOT_ACCEPTABLE || format == AS_JSON && route.renderer() == null) {
            answer.set(
                    HttpErrors.error(
                            alloc,
                            406,
                            "not_acceptable",
                            "view " + route.name() + " is served as "
                                    + (route.renderer() == null ? FLATBUFFERS : FLATBUFFERS + " or " + JSON),
                            keepAlive,
                            ""),
                    406);
            return;
        }
        String ifNoneMatch = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        int version = reader.descriptor().version();
        int freshness = route.freshnessOf(version);
        ViewResponder responder = scratch.responder;
        ByteBuf buf;
        try {
            buf = responder.respond(
                    alloc,
                    route,
                    reader,
                    scratch.key,
                    format == AS_JSON,
                    ifNoneMatch,
                    keepAlive,
                    freshness,
                    node.clockMillis().getAsLong());
        } catch (RuntimeException e) {
            route.meters().onReadError();
            if (pinned != QueryKey.UNPINNED) {
                LOG.debug("read of pinned {} v{} failed", route.name(), version, e);
                answer.set(
                        HttpErrors.error(
                                alloc,
                                503,
                                "store_unavailable",
                                "version " + version + " of view " + route.name()
                                        + " cannot be read; a pinned request is answered by that version only",
                                keepAlive,
                                HealthEndpoints.retryAfter(node)),
                        503);
                return;
            }
            LOG.debug("read of {} v{} failed; trying older held versions", route.name(), version, e);
            fallback(node, route, version, format == AS_JSON, ifNoneMatch, keepAlive, alloc, answer);
            return;
        }
        if (buf == null && responder.status() == ViewResponder.TOO_STALE) {
            tooStale(node, route, responder.lastAgeSeconds(), keepAlive, alloc, answer);
            return;
        }
        if (buf == null) {
            answer.set(
                    HttpErrors.error(
                            alloc,
                            404,
                            "not_found",
                            "no value for this key in view " + route.name() + " version " + version,
                            keepAlive,
                            ""),
                    404);
            return;
        }
        answer.set(buf, responder.status());
        if (Freshness.isStale(freshness)) {
            route.meters().onStale();
            answer.stale = true;
        }
    }

    private static void fallback(
            NodeContext node,
            ViewRoute route,
            int failedVersion,
            boolean json,
            String ifNoneMatch,
            boolean keepAlive,
            ByteBufAllocator alloc,
            Answer answer) {
        RequestScratch scratch = RequestScratch.get();
        for (int v : route.heldVersions()) {
            if (v >= failedVersion) {
                continue;
            }
            ViewReader other = node.store().version(route.name(), v);
            if (other == null
                    || !other.loaded()
                    || scratch.query.build(other.descriptor(), scratch.key) != QueryKey.OK) {
                continue;
            }
            ByteBuf buf;
            try {
                buf = scratch.responder.respond(
                        alloc,
                        route,
                        other,
                        scratch.key,
                        json,
                        ifNoneMatch,
                        keepAlive,
                        Freshness.READ_ERROR_FALLBACK,
                        node.clockMillis().getAsLong());
            } catch (RuntimeException e) {
                route.meters().onReadError();
                continue;
            }
            if (buf == null && scratch.responder.status() == ViewResponder.TOO_STALE) {
                continue;
            }
            if (buf != null) {
                route.meters().onFallback();
                route.meters().onStale();
                answer.set(buf, scratch.responder.status());
                answer.stale = true;
                return;
            }
        }
        answer.set(
                HttpErrors.error(
                        alloc,
                        503,
                        "store_unavailable",
                        "version " + failedVersion + " of view " + route.name()
                                + " cannot be read and no older held version has this key",
                        keepAlive,
                        HealthEndpoints.retryAfter(node)),
                503);
    }

    /** The value is too old to serve: 503, so that a client or cache retries elsewhere or serves its own copy. */
    static void tooStale(
            NodeContext node,
            ViewRoute route,
            long ageSeconds,
            boolean keepAlive,
            ByteBufAllocator alloc,
            Answer answer) {
        route.meters().onStale();
        answer.set(
                HttpErrors.error(
                        alloc,
                        503,
                        "too_stale",
                        tooStaleMessage(route, ageSeconds),
                        keepAlive,
                        HealthEndpoints.retryAfter(node)),
                503);
    }

    static String tooStaleMessage(ViewRoute route, long ageSeconds) {
        return "the value of this key in view " + route.name() + " was last known current " + ageSeconds
                + " s ago > view." + route.name() + ".staleness.ceiling.seconds="
                + route.settings().stalenessCeilingSeconds();
    }

    /**
     * Answers a request that no version can answer: the pinned version is not held (404) or still loading (503),
     * or there is no current version yet, or the first one is still loading (503). A partially loaded version
     * never answers: a key it lacks may exist.
     */
    static void unavailable(
            NodeContext node,
            ViewRoute route,
            int pinned,
            ViewReader reader,
            boolean keepAlive,
            ByteBufAllocator alloc,
            Answer answer) {
        if (pinned != QueryKey.UNPINNED && reader == null) {
            answer.set(
                    HttpErrors.error(
                            alloc,
                            404,
                            "version_not_held",
                            "version " + pinned + " of view "
                                    + route.name() + " is not held by this node; held: "
                                    + java.util.Arrays.toString(route.heldVersions()),
                            keepAlive,
                            ""),
                    404);
        } else if (pinned != QueryKey.UNPINNED) {
            answer.set(
                    HttpErrors.error(
                            alloc,
                            503,
                            "version_loading",
                            "version " + pinned + " of view " + route.name()
                                    + " is still loading on this node; it answers once loaded",
                            keepAlive,
                            HealthEndpoints.retryAfter(node)),
                    503);
        } else {
            answer.set(
                    HttpErrors.error(
                            alloc,
                            503,
                            "not_ready",
                            reader == null
                                    ? "this node holds no current version of view " + route.name() + " yet"
                                    : "version " + reader.descriptor().version() + " of view " + route.name()
                                            + " is still loading on this node",
                            keepAlive,
                            HealthEndpoints.retryAfter(node)),
                    503);
        }
    }

    private static void badRequest(ByteBufAllocator alloc, int code, String message, boolean keepAlive, Answer answer) {
        answer.set(HttpErrors.error(alloc, 400, QueryKey.errorCode(code), message, keepAlive, ""), 400);
    }

    /** Pin from the header, else the query; -1 when malformed. */
    static int pinnedVersion(HttpRequest req, QueryKey query, ViewReader current) {
        String header = req.headers().get(HttpHandler.PIN_HEADER);
        if (header != null) {
            try {
                int v = Integer.parseInt(header.trim());
                return v > 0 ? v : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        boolean versionIsDimension = current != null && current.descriptor().dimensionIndex(QueryKey.VERSION) >= 0;
        return query.pinnedVersion(versionIsDimension);
    }

    /**
     * The representation the Accept header weighs highest ({@link AcceptHeader}: quality values honoured, the most
     * specific range deciding); on a tie the one the header names first, else FlatBuffers (no Accept, {@code * / *},
     * {@code application/*}). Neither acceptable (both absent or {@code q=0}): {@link #NOT_ACCEPTABLE}.
     */
    static int negotiate(String accept) {
        if (accept == null || accept.isEmpty()) {
            return AS_FLATBUFFERS;
        }
        int fb = AcceptHeader.quality(accept, FLATBUFFERS);
        int json = AcceptHeader.quality(accept, JSON);
        if (fb <= 0 && json <= 0) {
            return NOT_ACCEPTABLE;
        }
        if (fb != json) {
            return json > fb ? AS_JSON : AS_FLATBUFFERS;
        }
        int fbAt = accept.indexOf(FLATBUFFERS);
        int jsonAt = accept.indexOf(JSON);
        return jsonAt >= 0 && (fbAt < 0 || jsonAt < fbAt) ? AS_JSON : AS_FLATBUFFERS;
    }
}
