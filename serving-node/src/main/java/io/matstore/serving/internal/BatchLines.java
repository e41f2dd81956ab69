package io.matstore.serving.internal;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a batch body as one reused char sequence: the body is copied once into a per-thread array (the
 * network buffer is released right after), and each line is a range of it, which {@link QueryKey} scans as it scans
 * a GET's URI. No String per body or per line. Each byte is the char of the same value (0..255), as Netty decodes
 * a request URI.
 *
 * <p>A line is what lies between line feeds, stripped of surrounding whitespace ({@link Character#isWhitespace}:
 * a CR of CRLF, blanks, tabs); blank lines are no items; a leading {@code ?} is dropped.
 *
 * <p>The lines are found in one pass when the body is copied, their ranges kept in two reused int arrays: the count
 * (for the item limit and the answer's vector) and the walk over the items then cost nothing more, where they were
 * two more scans of the body (a JFR profile of BatchLoadRun put the scans at ~8 % of the event loop in binary batches).
 */
public final class BatchLines implements CharSequence {
    private static final FastThreadLocal<BatchLines> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected BatchLines initialValue() {
            return new BatchLines();
        }
    };

    private byte[] bytes = new byte[16 * 1024];
    private int length;
    private int[] starts = new int[256];
    private int[] ends = new int[256];
    private int count;
    /** Index of the current line; -1 before the first. */
    private int line = -1;

    /** This thread's instance, holding a copy of {@code body}'s readable bytes, positioned before the first line. */
    public static BatchLines of(ByteBuf body) {
        BatchLines lines = PER_THREAD.get();
        lines.fill(body);
        return lines;
    }

    private void fill(ByteBuf body) {
        int n = body.readableBytes();
        if (n > bytes.length) {
            bytes = new byte[Integer.highestOneBit(n) << 1];
        }
        body.getBytes(body.readerIndex(), bytes, 0, n);
        length = n;
        count = 0;
        line = -1;
        byte[] b = bytes;
        int next = 0;
        while (next < n) {
            int from = next;
            int end = from;
            while (end < n && b[end] != '\n') {
                end++;
            }
            next = end + 1;
            while (from < end && isWhitespace(b[from])) {
                from++;
            }
            while (end > from && isWhitespace(b[end - 1])) {
                end--;
            }
            if (from < end) {
                add(b[from] == '?' ? from + 1 : from, end);
            }
        }
    }

    private void add(int start, int end) {
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = start;
        ends[count] = end;
        count++;
    }

    /** Non-blank lines: the items of the batch. Leaves the position before the first line. */
    public int count() {
        line = -1;
        return count;
    }

    /** Moves to the next non-blank line; false at the end (then the position is back before the first line). */
    boolean nextLine() {
        if (line + 1 < count) {
            line++;
            return true;
        }
        line = -1;
        return false;
    }

    /** Index of the current line's first char (after a leading {@code ?}). */
    int lineStart() {
        return starts[line];
    }

    /** Index after the current line's last non-blank char. */
    int lineEnd() {
        return ends[line];
    }

    /** {@link Character#isWhitespace} of the char with this byte's value: what String.strip() removed. */
    private static boolean isWhitespace(byte b) {
        return b == ' ' || b >= 9 && b <= 13 || b >= 28 && b <= 31;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return (char) (bytes[java.util.Objects.checkIndex(index, length)] & 0xFF);
    }

    /** Allocates: error messages only. */
    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
}
