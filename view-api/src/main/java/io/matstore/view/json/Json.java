package io.matstore.view.json;

import io.netty.buffer.ByteBuf;

/** JSON pieces written into a ByteBuf: escaped strings from UTF-8 bytes, numbers, booleans. Allocation-free. */
public final class Json {
    private static final byte[] HEX = Ascii.bytes("0123456789abcdef");
    private static final byte[] TRUE = Ascii.bytes("true");
    private static final byte[] FALSE = Ascii.bytes("false");

    private Json() {}

    /**
     * Writes {@code "..."} from UTF-8 bytes, escaping quote, backslash and control characters (RFC 8259 §7).
     * Other bytes pass through: valid UTF-8 in is valid JSON out.
     */
    public static void string(ByteBuf out, ByteBuf src, int start, int length) {
        out.writeByte('"');
        for (int i = start, end = start + length; i < end; i++) {
            int c = src.getByte(i) & 0xFF;
            if (c == '"' || c == '\\') {
                out.writeByte('\\').writeByte(c);
            } else if (c >= 0x20) {
                out.writeByte(c);
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
        out.writeByte('"');
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
