package io.matstore.view.json;

import io.netty.buffer.ByteBuf;

/**
 * Reads FlatBuffers tables in place from a {@link ByteBuf} by absolute index, without decoding and without
 * allocating (the generated accessors make a String or a ByteBuffer per string field).
 *
 * <pre>
 *   root:   [uoffset32 → table]                      table - soffset32 → vtable
 *   vtable: [u16 vtable bytes][u16 table bytes][u16 field 0 offset][u16 field 1 offset]...   0 = absent
 *   string / vector field: table + off → [uoffset32 → [u32 length][bytes...]]
 * </pre>
 * Slots are numbered in schema order from 0; all integers are little-endian.
 */
public final class FlatBufferFields {
    private FlatBufferFields() {}

    /** Index of the root table of a buffer starting at {@code start}. */
    public static int root(ByteBuf b, int start) {
        return start + b.getIntLE(start);
    }

    /** Offset of slot's field inside its table, or 0 when absent. */
    public static int field(ByteBuf b, int table, int slot) {
        int vtable = table - b.getIntLE(table);
        int vtableBytes = b.getUnsignedShortLE(vtable);
        int at = 4 + 2 * slot;
        return at < vtableBytes ? b.getUnsignedShortLE(vtable + at) : 0;
    }

    public static long longField(ByteBuf b, int table, int slot) {
        int o = field(b, table, slot);
        return o == 0 ? 0L : b.getLongLE(table + o);
    }

    public static int intField(ByteBuf b, int table, int slot) {
        int o = field(b, table, slot);
        return o == 0 ? 0 : b.getIntLE(table + o);
    }

    public static boolean boolField(ByteBuf b, int table, int slot) {
        int o = field(b, table, slot);
        return o != 0 && b.getByte(table + o) != 0;
    }

    /** Index of the length word of a string or vector field ({@code [u32 length][bytes]}), or -1 when absent. */
    public static int vector(ByteBuf b, int table, int slot) {
        int o = field(b, table, slot);
        if (o == 0) {
            return -1;
        }
        int at = table + o;
        return at + b.getIntLE(at);
    }
}
