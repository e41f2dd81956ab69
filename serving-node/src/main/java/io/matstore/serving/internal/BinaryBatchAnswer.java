package io.matstore.serving.internal;

import io.matstore.store.ViewReader;
import io.matstore.view.json.Ascii;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The binary answer of a batch, a FlatBuffer {@code BatchAnswer} of schemas' {@code batch.fbs}, written front to
 * back in one pass into the pooled direct response buffer: each stored envelope is read by the store straight into
 * its place in the answer (the one copy), and nothing is allocated per item on the heap.
 *
 * <p>FlatBuffers' own {@code FlatBufferBuilder} builds back to front in a buffer of its own, so with it every
 * envelope was copied three times (store → scratch → builder → network buffer) where it is now copied once (a JFR
 * profile of BatchLoadRun put the builder and its copies at ~10 % of the event loop in binary batches; see
 * docs/benchmarks.md). Written by hand because a FlatBuffer may be laid out in any order in which every
 * {@code uoffset} points forward, and this one is fixed and small. The layout (offsets from the FlatBuffer's first
 * byte, little-endian; all tables 4-aligned, each envelope's bytes 8-aligned so that the nested FlatBuffer's 8-byte
 * fields are aligned too):
 * <pre>
 *   0  u32 root            → 40
 *   4  "MSB1"              file identifier
 *   8  vtable BatchAnswer   u16: 10, 16, view @4, version @8, items @12
 *  18  vtable item, 200     u16: 8, 12, status @8, envelope @4
 *  26  vtable item, error   u16: 12, 16, status @12, envelope absent, error_code @4, error_message @8
 *  38  pad
 *  40  BatchAnswer table    i32 soffset → vtable 8 | u32 → view | i32 version | u32 → items
 *  56  view                 u32 length, UTF-8, 0, pad to 4
 *   V  items               u32 count, count × u32 → item table
 *      then per item, in request order:
 *      200:   i32 soffset → 18 | u32 → envelope | u16 status | pad | pad until E + 4 is 8-aligned
 *             E: u32 length, the envelope exactly as stored
 *      error: i32 soffset → 26 | u32 → code | u32 → message | u16 status | pad
 *             code, message: u32 length, UTF-8, 0, each 4-aligned
 * </pre>
 * The vtables are shared by every table of their kind, as FlatBufferBuilder would deduplicate them. Stock flatc
 * decodes the answer ({@code BinaryBatchAnswerTest} runs it). One instance per event-loop thread.
 */
final class BinaryBatchAnswer implements BatchComposer {
    private static final FastThreadLocal<BinaryBatchAnswer> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected BinaryBatchAnswer initialValue() {
            return new BinaryBatchAnswer();
        }
    };
    private static final byte[] TYPE = Ascii.bytes(ViewLookup.FLATBUFFERS);
    private static final int BODY = ViewResponder.HEADROOM;
    private static final int ANSWER_VTABLE = 8;
    private static final int FOUND_VTABLE = 18;
    private static final int ERROR_VTABLE = 26;
    private static final int ANSWER_TABLE = 40;
    private static final int VIEW = 56;
    private static final byte[] PREFIX = prefix();
    private static final int MAX_BYTES_PER_ITEM = 16 * 1024;

    private final BatchHead head = new BatchHead();
    private ByteBuf out;
    private int version;
    private int items;
    private int written;
    /** Index of the items vector's first slot. */
    private int slots;
    /**
     * The most reserved before the first item is read (the buffer grows on demand past it): a batch of
     * {@code serving.batch.max.items} large answers must not take its whole guess of direct memory up front, before
     * a single line is known to be valid.
     */
    private static final int MAX_FIRST_RESERVATION = 1 << 20;

    /** Bytes per item to reserve: as many as the last batch of this thread took. */
    private int bytesPerItem = 512;

    static BinaryBatchAnswer get() {
        return PER_THREAD.get();
    }

    /** Root offset, file identifier and the three vtables: the same for every answer. */
    private static byte[] prefix() {
        ByteBuffer b = ByteBuffer.allocate(ANSWER_TABLE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(ANSWER_TABLE).put(Ascii.bytes("MSB1"));
        b.putShort((short) 10)
                .putShort((short) 16)
                .putShort((short) 4)
                .putShort((short) 8)
                .putShort((short) 12);
        b.putShort((short) 8).putShort((short) 12).putShort((short) 8).putShort((short) 4);
        b.putShort((short) 12).putShort((short) 16).putShort((short) 12).putShort((short) 0);
        b.putShort((short) 4).putShort((short) 8);
        return b.array(); // the last 2 bytes stay 0: padding
    }

    @Override
    public void start(ByteBufAllocator alloc, ViewRoute route, int version, int items) {
        this.version = version;
        this.items = items;
        written = 0;
        out = alloc.directBuffer(BODY + 128 + Math.min(items * bytesPerItem, MAX_FIRST_RESERVATION));
        out.writerIndex(BODY);
        out.writeBytes(PREFIX);
        out.writeIntLE(ANSWER_TABLE - ANSWER_VTABLE);
        out.writeIntLE(VIEW - (ANSWER_TABLE + 4));
        out.writeIntLE(version);
        int itemsField = out.writerIndex();
        out.writeIntLE(0);
        byte[] name = route.nameUtf8();
        out.writeIntLE(name.length);
        out.writeBytes(name);
        out.writeByte(0);
        align(4);
        out.setIntLE(itemsField, out.writerIndex() - itemsField);
        out.writeIntLE(items);
        slots = out.writerIndex();
        out.writeZero(4 * items);
    }

    @Override
    public int value(
            ViewResponder responder, ViewRoute route, ViewReader reader, ByteBuffer key, int freshness, long now) {
        int mark = out.writerIndex();
        int table = startItem(FOUND_VTABLE);
        out.writeIntLE(0);
        out.writeShortLE(200);
        out.writeShortLE(0);
        while (((out.writerIndex() - BODY + 4) & 7) != 0) {
            out.writeByte(0);
        }
        int vector = out.writerIndex();
        out.writeIntLE(0);
        int data = out.writerIndex();
        int status;
        try {
            int n = read(route, reader, key, data);
            if (n == ViewReader.NOT_FOUND) {
                status = ViewResponder.NOT_FOUND;
            } else {
                out.writerIndex(data + n);
                out.setIntLE(vector, n);
                status = responder.admit(route, out, data, now);
            }
        } catch (RuntimeException e) {
            out.writerIndex(mark);
            throw e;
        }
        if (status != 200) {
            out.writerIndex(mark);
            return status;
        }
        out.setIntLE(table + 4, vector - (table + 4));
        endItem(table);
        return 200;
    }

    /** Reads the envelope to {@code at}, growing the buffer when it does not fit (nothing is copied then). */
    private int read(ViewRoute route, ViewReader reader, ByteBuffer key, int at) {
        out.ensureWritable(route.sizeHint());
        while (true) {
            int room = out.capacity() - at;
            int n = reader.read(key, out.internalNioBuffer(at, room));
            if (n == ViewReader.NOT_FOUND || n <= room) {
                return n;
            }
            route.sizeHint(n);
            out.ensureWritable(n);
        }
    }

    @Override
    public void error(int status, String code, String message) {
        int table = startItem(ERROR_VTABLE);
        out.writeIntLE(0);
        out.writeIntLE(0);
        out.writeShortLE(status);
        out.writeShortLE(0);
        string(table + 4, code);
        string(table + 8, message);
        endItem(table);
    }

    @Override
    public void misdirected(String errorJson) {
        error(421, "wrong_cell", errorJson);
    }

    /** Aligns, writes the table's soffset to its vtable; returns the table's index. */
    private int startItem(int vtable) {
        align(4);
        int table = out.writerIndex();
        out.writeIntLE(table - (BODY + vtable));
        return table;
    }

    private void endItem(int table) {
        int slot = slots + 4 * written++;
        out.setIntLE(slot, table - slot);
    }

    /** A FlatBuffers string after the item, referenced from {@code field}. */
    private void string(int field, String s) {
        align(4);
        int at = out.writerIndex();
        out.writeIntLE(0);
        int n = out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.writeByte(0);
        out.setIntLE(at, n);
        out.setIntLE(field, at - field);
    }

    private void align(int to) {
        while (((out.writerIndex() - BODY) & (to - 1)) != 0) {
            out.writeByte(0);
        }
    }

    @Override
    public ByteBuf finish(boolean keepAlive) {
        if (written != items) {
            discard();
            throw new IllegalStateException("batch answer has " + written + " items, announced " + items);
        }
        int body = out.writerIndex() - BODY;
        if (written > 0) {
            bytesPerItem = Math.min(body / written + 64, MAX_BYTES_PER_ITEM);
        }
        head.prepend(out, BODY, TYPE, version, keepAlive);
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
