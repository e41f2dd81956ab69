package io.matstore.view.json;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Numbers and constant text written as ASCII bytes straight into a buffer: no String, no boxing. */
public final class Ascii {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LONG_MIN = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);

    private Ascii() {}

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes {@code value} in decimal. */
    public static void writeDecimal(ByteBuf out, long value) {
        if (value == Long.MIN_VALUE) {
            out.writeBytes(LONG_MIN);
            return;
        }
        long v = value;
        if (v < 0) {
            out.writeByte('-');
            v = -v;
        }
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) {
            digits++;
        }
        int end = out.writerIndex() + digits;
        out.ensureWritable(digits);
        for (int i = end - 1; i >= end - digits; i--) {
            out.setByte(i, (int) ('0' + v % 10));
            v /= 10;
        }
        out.writerIndex(end);
    }

    /** Writes the 64 bits of {@code value} as 16 lower-case hex digits. */
    public static void writeHex16(ByteBuf out, long value) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(int) (value >>> shift) & 0xF]);
        }
    }

    /** Value of a hex digit, or -1. */
    public static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
