package io.matstore.serving.internal;

import io.matstore.store.ViewReader;
import io.matstore.view.json.Ascii;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * The hot path of a view lookup: reads the envelope for a key through a {@link ViewReader} and composes the whole
 * HTTP response (status line, headers, body) in ONE pooled direct buffer, which the caller writes to the socket.
 *
 * <pre>
 *   0                 HEADROOM - h        HEADROOM                               HEADROOM + n
 *   +-----------------+-------------------+--------------------------------------+
 *   | unused          | status + headers  | body: envelope copied by the reader  |
 *   +-----------------+-------------------+--------------------------------------+
 *                     ^ readerIndex                                               ^ writerIndex
 * </pre>
 * The reader copies the envelope straight to HEADROOM (the one copy of the body); the headers, which depend on the
 * envelope (ETag, Age, length), are composed after it into a reused scratch buffer and copied in front of it.
 * JSON goes the same way except the envelope is read into a reused scratch buffer and rendered at HEADROOM.
 *
 * <p>One instance per event-loop thread (it owns scratch buffers); allocation-free after warm-up apart from the
 * pooled response buffer itself.
 */
public final class ViewResponder {
    /** Room for status line and headers in front of the body; headers are a few hundred bytes at most. */
    public static final int HEADROOM = 1024;
    /** {@link #respond} found no value under the key. */
    public static final int NOT_FOUND = 404;
    /** {@link #respond} found a value last known current longer ago than the view's staleness ceiling. */
    public static final int TOO_STALE = 503;

    private static final byte[] STATUS_200 = Ascii.bytes("HTTP/1.1 200 OK\r\n");
    private static final byte[] STATUS_304 = Ascii.bytes("HTTP/1.1 304 Not Modified\r\n");
    private static final byte[] TYPE_FLATBUFFERS = Ascii.bytes("Content-Type: application/x-flatbuffers\r\n");
    private static final byte[] TYPE_JSON = Ascii.bytes("Content-Type: application/json\r\n");
    private static final byte[] CONTENT_LENGTH = Ascii.bytes("Content-Length: ");
    private static final byte[] ETAG = Ascii.bytes("ETag: \"");
    private static final byte[] AGE = Ascii.bytes("\"\r\nAge: ");
    private static final byte[] VIEW_VERSION = Ascii.bytes("\r\nX-Matstore-View-Version: ");
    private static final byte[] COMPUTED_AT = Ascii.bytes("\r\nX-Matstore-Computed-At-Micros: ");
    private static final byte[] VARY = Ascii.bytes("\r\nVary: Accept\r\n");
    private static final byte[] CONNECTION_CLOSE = Ascii.bytes("Connection: close\r\n");
    private static final byte[] CRLF = Ascii.bytes("\r\n");
    private static final byte[] META_COMPUTED_AT = Ascii.bytes(",\"computed_at_micros\":");
    private static final byte[] META_ETAG = Ascii.bytes(",\"etag\":\"");
    private static final byte[] META_FRESHNESS = Ascii.bytes("\",");
    private static final byte[] META_END = Ascii.bytes("}}");

    private final ByteBuf headers = Unpooled.directBuffer(HEADROOM, HEADROOM);
    private ByteBuf envelopeScratch = Unpooled.directBuffer(4096);
    private int status;
    private long lastAgeSeconds;
    private int lastLength;
    private ByteBuf lastEnvelope;
    private int lastTable = -1;

    /** 200, 304, {@link #NOT_FOUND} or {@link #TOO_STALE}: what the last {@link #respond} answered. */
    public int status() {
        return status;
    }

    /** The Age of the value the last {@link #respond} found (for the {@link #TOO_STALE} message). */
    public long lastAgeSeconds() {
        return lastAgeSeconds;
    }

    /**
     * Age (RFC 9111 §5.1) as the time since the node last knew the value to be current: 0 while the version is
     * caught up, else since it last was, but never more than since the value was computed (it was current then,
     * which is all a node that restarted with the broker down knows). Counting from when it was computed instead
     * would make every unchanged value reach a cache already stale.
     */
    static long ageSeconds(long currentAsOfMillis, long computedAtMicros, long nowMillis) {
        if (currentAsOfMillis == StatusMonitor.CAUGHT_UP) {
            return 0;
        }
        return Math.max(0, nowMillis - Math.max(currentAsOfMillis, computedAtMicros / 1000)) / 1000;
    }

    /**
     * Looks up {@code key} and composes the response.
     *
     * @param json        render JSON with the route's renderer (caller checked it exists) instead of the envelope
     * @param ifNoneMatch the request's If-None-Match, or null
     * @param freshness   one of {@link Freshness}, decided by the caller from the status snapshot
     * @return the response, readable from readerIndex, or null when the key has no value ({@link #status()} 404) or
     *         its value is older than the view's staleness ceiling ({@link #TOO_STALE})
     * @throws io.matstore.store.StoreException when the read fails (the caller falls back)
     */
    public ByteBuf respond(
            ByteBufAllocator alloc,
            ViewRoute route,
            ViewReader reader,
            ByteBuffer key,
            boolean json,
            CharSequence ifNoneMatch,
            boolean keepAlive,
            int freshness,
            long nowMillis) {
        ByteBuf out;
        ByteBuf envelope;
        int envelopeStart;
        if (json) {
            int n = readIntoScratch(reader, key);
            if (n == ViewReader.NOT_FOUND) {
                status = NOT_FOUND;
                return null;
            }
            envelope = envelopeScratch;
            envelopeStart = 0;
            out = alloc.directBuffer(HEADROOM + 2 * n + 256);
        } else {
            out = readEnvelope(alloc, route, reader, key);
            if (out == null) {
                status = NOT_FOUND;
                return null;
            }
            envelope = out;
            envelopeStart = HEADROOM;
        }
        boolean composed;
        try {
            composed = compose(route, envelope, envelopeStart, out, json, ifNoneMatch, keepAlive, freshness, nowMillis);
        } catch (RuntimeException e) {
            // a corrupt envelope reads out of bounds: the caller treats it like a failed read
            out.release();
            throw e;
        }
        if (!composed) {
            out.release();
            return null;
        }
        return out;
    }

    /** @return false, with {@link #status} {@link #TOO_STALE}, when the value is past the staleness ceiling */
    private boolean compose(
            ViewRoute route,
            ByteBuf envelope,
            int envelopeStart,
            ByteBuf out,
            boolean json,
            CharSequence ifNoneMatch,
            boolean keepAlive,
            int freshness,
            long nowMillis) {
        int bodyLength;
        int table = Envelope.table(envelope, envelopeStart);
        long hash = Envelope.contentHash(envelope, table);
        long computedAtMicros = Envelope.computedAtMicros(envelope, table);
        int version = Envelope.viewVersion(envelope, table);
        long currentAsOf = route.currentAsOfMillis(version);
        long age = ageSeconds(currentAsOf, computedAtMicros, nowMillis);
        lastAgeSeconds = age;
        if (pastCeiling(route, currentAsOf, age)) {
            status = TOO_STALE;
            return false;
        }
        byte[] tagSuffix = json ? Freshness.jsonTagSuffix(freshness) : ETags.NO_SUFFIX;
        boolean notModified = ETags.matches(ifNoneMatch, hash, tagSuffix);
        out.writerIndex(HEADROOM);
        if (notModified) {
            bodyLength = -1;
        } else if (json) {
            renderJson(route, envelope, table, out, version, hash, computedAtMicros, freshness);
            bodyLength = out.writerIndex() - HEADROOM;
        } else {
            out.writerIndex(HEADROOM + lastLength);
            bodyLength = lastLength;
        }
        status = notModified ? 304 : 200;
        composeHeaders(route, json, bodyLength, hash, tagSuffix, computedAtMicros, version, keepAlive, freshness, age);
        int h = headers.readableBytes();
        out.setBytes(HEADROOM - h, headers, 0, h);
        out.readerIndex(HEADROOM - h);
        lastEnvelope = envelope;
        lastTable = table;
        return true;
    }

    /**
     * Whether a value is too stale to serve. Only a known staleness counts: a version never caught up in this
     * process (a node restarted while the broker is down) cannot tell how stale its values are, only that they were
     * current when computed (its Age says so), and refusing them all would turn a broker outage into a serving one.
     */
    private static boolean pastCeiling(ViewRoute route, long currentAsOfMillis, long ageSeconds) {
        return currentAsOfMillis != 0 && ageSeconds > route.settings().stalenessCeilingSeconds();
    }

    /** Forgets the envelope of the last answer, so that {@link #lastTraceParent()} sees only the next one. */
    public void forgetLastEnvelope() {
        lastEnvelope = null;
        lastTable = -1;
    }

    /**
     * The {@code trace_parent} of the envelope the last successful {@link #respond} answered with, or null (none,
     * or nothing answered since {@link #forgetLastEnvelope()}). Valid only until that response buffer is written
     * (it is read from it); allocates the String, so only the tracing path calls it.
     */
    public String lastTraceParent() {
        return lastTable < 0 ? null : Envelope.traceParent(lastEnvelope, lastTable);
    }

    /**
     * Renders the JSON value under {@code key} ({@code {...,"_meta":{...}}}) into {@code out}, for batch items.
     *
     * @return 200, or {@link #NOT_FOUND} or {@link #TOO_STALE} with nothing written
     * @throws io.matstore.store.StoreException when the read fails
     */
    public int renderJsonValue(
            ViewRoute route, ViewReader reader, ByteBuffer key, ByteBuf out, int freshness, long nowMillis) {
        if (readIntoScratch(reader, key) == ViewReader.NOT_FOUND) {
            return NOT_FOUND;
        }
        int table = Envelope.table(envelopeScratch, 0);
        long currentAsOf = route.currentAsOfMillis(Envelope.viewVersion(envelopeScratch, table));
        lastAgeSeconds = ageSeconds(currentAsOf, Envelope.computedAtMicros(envelopeScratch, table), nowMillis);
        if (pastCeiling(route, currentAsOf, lastAgeSeconds)) {
            return TOO_STALE;
        }
        renderJson(
                route,
                envelopeScratch,
                table,
                out,
                Envelope.viewVersion(envelopeScratch, table),
                Envelope.contentHash(envelopeScratch, table),
                Envelope.computedAtMicros(envelopeScratch, table),
                freshness);
        return 200;
    }

    /**
     * Whether the envelope at {@code envelope[start..]} (a binary batch item, read in place) may be served: the
     * staleness ceiling check of {@link #respond}, with {@link #lastAgeSeconds()} set.
     *
     * @return 200 or {@link #TOO_STALE}
     * @throws IndexOutOfBoundsException when the envelope is corrupt (the caller treats it like a failed read)
     */
    int admit(ViewRoute route, ByteBuf envelope, int start, long nowMillis) {
        int table = Envelope.table(envelope, start);
        long currentAsOf = route.currentAsOfMillis(Envelope.viewVersion(envelope, table));
        lastAgeSeconds = ageSeconds(currentAsOf, Envelope.computedAtMicros(envelope, table), nowMillis);
        return pastCeiling(route, currentAsOf, lastAgeSeconds) ? TOO_STALE : 200;
    }

    /** Reads into a new pooled buffer at HEADROOM, growing once when the hint was too small. */
    private ByteBuf readEnvelope(ByteBufAllocator alloc, ViewRoute route, ViewReader reader, ByteBuffer key) {
        int capacity = route.sizeHint();
        while (true) {
            ByteBuf out = alloc.directBuffer(HEADROOM + capacity);
            int room = out.capacity() - HEADROOM;
            int n;
            try {
                n = reader.read(key, out.internalNioBuffer(HEADROOM, room));
            } catch (RuntimeException e) {
                out.release();
                throw e;
            }
            if (n == ViewReader.NOT_FOUND) {
                out.release();
                return null;
            }
            if (n <= room) {
                lastLength = n;
                return out;
            }
            out.release();
            route.sizeHint(n);
            capacity = n;
        }
    }

    /**
     * Frees the two direct buffers this responder holds for its thread's life: they are unpooled and allocated
     * without a cleaner, so only a release returns their memory ({@link RequestScratch} calls it when the event-loop
     * thread ends, i.e. when a node stops; a process that starts and stops nodes would otherwise keep ~5 KB per loop
     * thread per node, and Netty's leak detector reports each).
     */
    void release() {
        headers.release();
        envelopeScratch.release();
    }

    /** Whether {@link #release} ran (for tests). */
    boolean released() {
        return headers.refCnt() == 0 && envelopeScratch.refCnt() == 0;
    }

    /** Reads into the envelope scratch buffer, growing it when too small. */
    private int readIntoScratch(ViewReader reader, ByteBuffer key) {
        while (true) {
            int room = envelopeScratch.capacity();
            int n = reader.read(key, envelopeScratch.internalNioBuffer(0, room));
            if (n <= room) {
                return n;
            }
            envelopeScratch.release();
            envelopeScratch = Unpooled.directBuffer(Integer.highestOneBit(n) * 2);
        }
    }

    private static void renderJson(
            ViewRoute route,
            ByteBuf envelope,
            int table,
            ByteBuf out,
            int version,
            long hash,
            long computedAtMicros,
            int freshness) {
        route.renderer().renderFields(envelope, Envelope.responseStart(envelope, table), out);
        out.writeBytes(route.metaPrefix());
        Ascii.writeDecimal(out, version);
        out.writeBytes(META_COMPUTED_AT);
        Ascii.writeDecimal(out, computedAtMicros);
        out.writeBytes(META_ETAG);
        Ascii.writeHex16(out, hash);
        out.writeBytes(META_FRESHNESS);
        out.writeBytes(Freshness.jsonMembers(freshness));
        out.writeBytes(META_END);
    }

    private void composeHeaders(
            ViewRoute route,
            boolean json,
            int bodyLength,
            long hash,
            byte[] tagSuffix,
            long computedAtMicros,
            int version,
            boolean keepAlive,
            int freshness,
            long ageSeconds) {
        ByteBuf h = headers.clear();
        if (bodyLength < 0) {
            h.writeBytes(STATUS_304);
        } else {
            h.writeBytes(STATUS_200);
            h.writeBytes(json ? TYPE_JSON : TYPE_FLATBUFFERS);
            h.writeBytes(CONTENT_LENGTH);
            Ascii.writeDecimal(h, bodyLength);
            h.writeBytes(CRLF);
        }
        h.writeBytes(ETAG);
        Ascii.writeHex16(h, hash);
        h.writeBytes(tagSuffix);
        h.writeBytes(AGE);
        Ascii.writeDecimal(h, ageSeconds);
        h.writeBytes(VIEW_VERSION);
        Ascii.writeDecimal(h, version);
        h.writeBytes(COMPUTED_AT);
        Ascii.writeDecimal(h, computedAtMicros);
        h.writeBytes(VARY);
        h.writeBytes(route.cacheControlLine());
        h.writeBytes(Freshness.headerLine(freshness));
        if (!keepAlive) {
            h.writeBytes(CONNECTION_CLOSE);
        }
        h.writeBytes(CRLF);
    }
}
