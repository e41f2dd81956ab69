package io.matstore.schemas;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.fb.ResponseEnvelope;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Encodes the envelopes of one view, the same bytes as {@link ResponseEnvelopes#encode}, by copying a template and
 * patching the four fields that vary. One writer per thread: it is not thread-safe.
 *
 * <p>Why: a fan-out writes hundreds of thousands of envelopes, and FlatBuffers' builder re-encodes the view name,
 * copies the key and the response in, builds and looks up the vtable and then copies the whole buffer out, per
 * envelope. Where each object lands depends only on the lengths of what goes in (and on which fields hold their
 * default, which FlatBuffers leaves out), so for a given (key length, response length) the builder's output is one
 * fixed layout with the key, the response and the two longs at fixed offsets. The writer encodes that layout once
 * with the builder, remembers where the variable bytes went, and from then on copies it and writes them in place.
 *
 * <p>Layouts are kept in a direct-mapped table of {@value #SLOTS} entries keyed by the two lengths; a clash rebuilds
 * the slot. An envelope with a trace context, a content hash or computation time of 0 (a field FlatBuffers would
 * leave out), or a key or response longer than a template is worth is encoded by the builder instead.
 */
public final class ResponseEnvelopeWriter {
    private static final int SLOTS = 512;
    // Bounds the templates' memory (slots × this) for views with large responses, where the copy dominates anyway.
    private static final int MAX_TEMPLATED_BYTES = 4096;
    // Sentinels for finding where the two longs land: no byte of a template with zeroed key and response is
    // anything like them, and they are checked to occur exactly once.
    private static final long HASH_SENTINEL = 0x13579BDF2468ACE1L;
    private static final long COMPUTED_AT_SENTINEL = 0x7E6D5C4B3A291807L;
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ViewDescriptor view;
    private final FlatBufferBuilder builder = new FlatBufferBuilder(1024);
    private final long[] shapes = new long[SLOTS];
    private final byte[][] templates = new byte[SLOTS][];
    private final int[] keyAt = new int[SLOTS];
    private final int[] responseAt = new int[SLOTS];
    private final int[] hashAt = new int[SLOTS];
    private final int[] computedAt = new int[SLOTS];

    public ResponseEnvelopeWriter(ViewDescriptor view) {
        this.view = view;
    }

    /**
     * As {@link ResponseEnvelopes#encode(ViewDescriptor, byte[], long, long, byte[], String)} for this writer's view:
     * the same bytes.
     */
    public byte[] encode(byte[] key, long contentHash, long computedAtMicros, byte[] response, String traceParent) {
        if (traceParent != null
                || contentHash == 0
                || computedAtMicros == 0
                || key.length > MAX_TEMPLATED_BYTES
                || response.length > MAX_TEMPLATED_BYTES) {
            return ResponseEnvelopes.encode(builder, view, key, contentHash, computedAtMicros, response, traceParent);
        }
        long shape = ((long) key.length << 32) | response.length;
        int slot = slot(shape);
        byte[] template = templates[slot];
        if (template == null || shapes[slot] != shape) {
            template = layOut(slot, shape, key.length, response.length);
        }
        byte[] out = Arrays.copyOf(template, template.length);
        System.arraycopy(key, 0, out, keyAt[slot], key.length);
        System.arraycopy(response, 0, out, responseAt[slot], response.length);
        LONG_LE.set(out, hashAt[slot], contentHash);
        LONG_LE.set(out, computedAt[slot], computedAtMicros);
        return out;
    }

    private static int slot(long shape) {
        long h = shape * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 55) & (SLOTS - 1);
    }

    private byte[] layOut(int slot, long shape, int keyLength, int responseLength) {
        byte[] template = ResponseEnvelopes.encode(
                builder,
                view,
                new byte[keyLength],
                HASH_SENTINEL,
                COMPUTED_AT_SENTINEL,
                new byte[responseLength],
                null);
        ResponseEnvelope e = ResponseEnvelopes.open(template);
        keyAt[slot] = e.keyAsByteBuffer().position();
        responseAt[slot] = e.responseAsByteBuffer().position();
        hashAt[slot] = TemplateSentinels.clearLong(template, HASH_SENTINEL);
        computedAt[slot] = TemplateSentinels.clearLong(template, COMPUTED_AT_SENTINEL);
        templates[slot] = template;
        shapes[slot] = shape;
        return template;
    }
}
