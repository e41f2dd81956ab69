package io.matstore.view.json;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/** JSON pieces written into a ByteBuf: escaped strings from UTF-8 bytes, numbers, booleans. Allocation-free. */
public final class Json {
    private static final byte[] HEX = Ascii.bytes("0123456789abcdef");
    private static final byte[] TRUE = Ascii.bytes("true");
    private static final byte[] FALSE = Ascii.bytes("false");

    /** Continues over bytes written as they are: not a quote, a backslash or a control character. */
    private static final ByteProcessor PLAIN = b -> b != '"' && b != '\\' && (b < 0 || b >= 0x20);

    private Json() {}

    /**
     * Writes {@code "..."} from UTF-8 bytes, escaping quote, backslash and control characters (RFC 8259 §7).
     * Other bytes pass through: valid UTF-8 in is valid JSON out. Runs without escapes (most strings, whole) are
     * found by {@link ByteBuf#forEachByte} and copied in one write: a checked {@code writeByte} per byte was ~8 % of
     * a JSON batch's event loop in a JFR profile of BatchLoadRun.
     */
    public static void string(ByteBuf out, ByteBuf src, int start, int length) {
        out.ensureWritable(length + 2);
        out.writeByte('"');
        int i = start;
        int end = start + length;
        while (i < end) {
            int special = src.forEachByte(i, end - i, PLAIN);
            int runEnd = special < 0 ? end : special;
            if (runEnd > i) {
                out.writeBytes(src, i, runEnd - i);
            }
            if (special < 0) {
                break;
            }
            escape(out, src.getByte(special) & 0xFF);
            i = special + 1;
        }
        out.writeByte('"');
    }

    private static void escape(ByteBuf out, int c) {
        if (c == '"' || c == '\\') {
            out.writeByte('\\').writeByte(c);
        } else if (c == '\n') {
            out.writeByte('\\').writeByte('n');
        } else if (c == '\r') {
            out.writeByte('\\').writeByte('r');
        } else if (c == '\t') {
            out.writeByte('\\').writeByte('t');
        } else if (c == '\b') {
            out.writeByte('\\').writeByte('b');
        } else if (c == '\f') {
            out.writeByte('\\').writeByte('f');
        } else {
            out.writeByte('\\')
                    .writeByte('u')
                    .writeByte('0')
                    .writeByte('0')
                    .writeByte(HEX[c >> 4])
                    .writeByte(HEX[c & 0xF]);
        }
    }

    /** A string field of a FlatBuffers table ({@code ""} when absent). */
    public static void stringField(ByteBuf out, ByteBuf src, int table, int slot) {
        int v = FlatBufferFields.vector(src, table, slot);
        if (v < 0) {
            out.writeByte('"').writeByte('"');
        } else {
            string(out, src, v + 4, src.getIntLE(v));
        }
    }

    public static void bool(ByteBuf out, boolean value) {
        out.writeBytes(value ? TRUE : FALSE);
    }

    /** Writes a constant such as {@code ,"name":} prepared once as bytes. */
    public static void raw(ByteBuf out, byte[] constant) {
        out.writeBytes(constant);
    }
}
