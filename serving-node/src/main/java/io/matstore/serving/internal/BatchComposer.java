package io.matstore.serving.internal;

import io.matstore.store.ViewReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Writes the answer of one batch, item by item in request order, straight into one pooled direct buffer that
 * becomes the whole HTTP response (head in front of the body, as {@link ViewResponder} lays out a GET's). One
 * implementation per representation: {@link JsonBatchAnswer}, {@link BinaryBatchAnswer}; one instance of each per
 * event-loop thread, reused from batch to batch.
 */
interface BatchComposer {
    /** Begins an answer of exactly {@code items} items from {@code version} of the route's view. */
    void start(ByteBufAllocator alloc, ViewRoute route, int version, int items);

    /**
     * Answers the next item with the value stored under {@code key}, if there is one and it is not past the view's
     * staleness ceiling.
     *
     * @return 200 (the item is written), or {@link ViewResponder#NOT_FOUND} or {@link ViewResponder#TOO_STALE}
     *         (nothing written; {@link ViewResponder#lastAgeSeconds()} says how old for the latter)
     * @throws RuntimeException when the read fails; nothing is written and the caller may try another version
     */
    int value(ViewResponder responder, ViewRoute route, ViewReader reader, ByteBuffer key, int freshness, long now);

    /** Answers the next item with an error (the codes of docs/api.md). */
    void error(int status, String code, String message);

    /** Answers the next item 421 {@code wrong_cell}; {@code errorJson} is the error object a GET's 421 carries. */
    void misdirected(String errorJson);

    /** The whole response, head and body; the composer lets go of it. */
    ByteBuf finish(boolean keepAlive);

    /** Releases an answer abandoned half-way (an unexpected exception). */
    void discard();
}
