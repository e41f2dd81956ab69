package io.matstore.serving.internal;

import io.matstore.view.json.FlatBufferFields;
import io.netty.buffer.ByteBuf;

/**
 * Field access to a {@code ResponseEnvelope} (schemas/envelope.fbs) lying in a ByteBuf, by slot in schema order:
 * view_name 0, view_version 1, key 2, content_hash 3, computed_at_micros 4, response 5, trace_parent 6.
 */
public final class Envelope {
    private static final int VIEW_VERSION = 1;
    private static final int CONTENT_HASH = 3;
    private static final int COMPUTED_AT_MICROS = 4;
    private static final int RESPONSE = 5;
    private static final int TRACE_PARENT = 6;

    private Envelope() {}

    public static int table(ByteBuf b, int start) {
        return FlatBufferFields.root(b, start);
    }

    public static int viewVersion(ByteBuf b, int table) {
        return FlatBufferFields.intField(b, table, VIEW_VERSION);
    }

    public static long contentHash(ByteBuf b, int table) {
        return FlatBufferFields.longField(b, table, CONTENT_HASH);
    }

    public static long computedAtMicros(ByteBuf b, int table) {
        return FlatBufferFields.longField(b, table, COMPUTED_AT_MICROS);
    }

    /** The W3C traceparent of the computation, or null when absent (allocates: tracing path only). */
    public static String traceParent(ByteBuf b, int table) {
        int v = FlatBufferFields.vector(b, table, TRACE_PARENT);
        return v < 0 ? null : b.toString(v + 4, b.getIntLE(v), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Index of the nested response buffer's first byte, or -1 when absent. */
    public static int responseStart(ByteBuf b, int table) {
        int v = FlatBufferFields.vector(b, table, RESPONSE);
        return v < 0 ? -1 : v + 4;
    }
}
