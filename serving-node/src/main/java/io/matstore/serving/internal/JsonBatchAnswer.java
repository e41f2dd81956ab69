package io.matstore.serving.internal;

import io.matstore.store.ViewReader;
import io.matstore.view.json.Ascii;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The JSON answer of a batch, rendered item by item into one pooled direct buffer after {@link ViewResponder#HEADROOM}
 * bytes left for the head:
 * <pre>
 *   {"view":"offers","version":1,"items":[
 *     {"status":200,"value":{...same object as GET with Accept: application/json...}},
 *     {"status":404,"error":{"code":"not_found","message":"..."}}]}
 * </pre>
 * The buffer is sized from the largest answer per item seen so far on this thread, so it rarely grows (a copy).
 * Error items build their text as Strings: not the hot path.
 */
final class JsonBatchAnswer implements BatchComposer {
    private static final FastThreadLocal<JsonBatchAnswer> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected JsonBatchAnswer initialValue() {
            return new JsonBatchAnswer();
        }
    };
    private static final byte[] TYPE = Ascii.bytes("application/json");
    private static final byte[] ITEMS = Ascii.bytes(",\"items\":[");
    private static final byte[] ITEM_OK = Ascii.bytes("{\"status\":200,\"value\":");
    private static final byte[] ITEM_421 = Ascii.bytes("{\"status\":421,\"error\":");
    private static final byte[] END = Ascii.bytes("]}");
    /** A few huge values must not make every later batch reserve that much per item. */
    private static final int MAX_BYTES_PER_ITEM = 16 * 1024;

    private final BatchHead head = new BatchHead();
    private ByteBuf out;
    private int version;
    private int written;
    /**
     * The most reserved before the first item is read (the buffer grows on demand past it): a batch of
     * {@code serving.batch.max.items} large answers must not take its whole guess of direct memory up front, before
     * a single line is known to be valid.
     */
    private static final int MAX_FIRST_RESERVATION = 1 << 20;

    /** Bytes per item to reserve: as many as the last batch of this thread took (a JSON offer is ~2× its envelope). */
    private int bytesPerItem = 1024;

    static JsonBatchAnswer get() {
        return PER_THREAD.get();
    }

    @Override
    public void start(ByteBufAllocator alloc, ViewRoute route, int version, int items) {
        this.version = version;
        written = 0;
        out = alloc.directBuffer(ViewResponder.HEADROOM + 64 + Math.min(items * bytesPerItem, MAX_FIRST_RESERVATION));
        out.writerIndex(ViewResponder.HEADROOM);
        out.writeBytes(route.batchJsonPrefix());
        Ascii.writeDecimal(out, version);
        out.writeBytes(ITEMS);
    }

    @Override
    public int value(
            ViewResponder responder, ViewRoute route, ViewReader reader, ByteBuffer key, int freshness, long now) {
        int mark = out.writerIndex();
        separate();
        out.writeBytes(ITEM_OK);
        int rendered;
        try {
            rendered = responder.renderJsonValue(route, reader, key, out, freshness, now);
        } catch (RuntimeException e) {
            out.writerIndex(mark);
            throw e;
        }
        if (rendered != 200) {
            out.writerIndex(mark);
            return rendered;
        }
        out.writeByte('}');
        written++;
        return 200;
    }

    @Override
    public void error(int status, String code, String message) {
        separate();
        out.writeCharSequence(
                "{\"status\":" + status + ","
                        + HttpErrors.errorBody(code, message).substring(1),
                StandardCharsets.UTF_8);
        written++;
    }

    @Override
    public void misdirected(String errorJson) {
        separate();
        out.writeBytes(ITEM_421);
        out.writeCharSequence(errorJson, StandardCharsets.UTF_8);
        out.writeByte('}');
        written++;
    }

    private void separate() {
        if (written > 0) {
            out.writeByte(',');
        }
    }

    @Override
    public ByteBuf finish(boolean keepAlive) {
        out.writeBytes(END);
        int body = out.writerIndex() - ViewResponder.HEADROOM;
        if (written > 0) {
            bytesPerItem = Math.min(body / written + 64, MAX_BYTES_PER_ITEM);
        }
        head.prepend(out, ViewResponder.HEADROOM, TYPE, version, keepAlive);
        ByteBuf answer = out;
        out = null;
        return answer;
    }

    @Override
    public void discard() {
        if (out != null) {
            out.release();
            out = null;
        }
    }
}
