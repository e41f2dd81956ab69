package io.matstore.schemas;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The canonical request key: (view, ordered dimension values) as bytes. It is the record key of a view topic and
 * the lookup key of every store, so the same request always maps to the same bytes on every node.
 *
 * <pre>
 *   0        1                    1+n                                            end
 *   +--------+-------------------+-----------+-----------------+-----------+-----+
 *   | format | len(view) varint  | view name | len(v0) varint  | v0 bytes  | ... |  one (len, bytes) per dimension,
 *   |  0x01  | (1-2 bytes)       | UTF-8     | (1-2 bytes)     | UTF-8     |     |  in the view descriptor's order
 *   +--------+-------------------+-----------+-----------------+-----------+-----+
 * </pre>
 *
 * <p>Every field is length-prefixed, so values may contain any byte (separators, '=', '&amp;', NUL, non-ASCII)
 * without escaping, and the encoding is prefix-free: two different (view, values) never share bytes. Lengths are
 * unsigned LEB128 varints (7 bits a byte, low group first, high bit = more) and must be minimal, so each input has
 * exactly one encoding. Values are compared as bytes: no case folding, no Unicode normalisation.
 *
 * <p>The static {@code write*} methods allocate nothing; the serving node builds keys with them into a reused
 * buffer. The {@code encode}/{@code decode} convenience methods allocate and are for tools, tests and jobs.
 */
public final class KeyCodec {
    /** The first byte of every key; a future layout gets a new value. */
    public static final byte FORMAT = 0x01;
    /** Largest view name or dimension value, in UTF-8 bytes. Two varint bytes suffice for it. */
    public static final int MAX_VALUE_BYTES = 1024;

    public static final int MAX_DIMENSIONS = 16;
    /** Upper bound of any key's length: format byte, then name and values each with a 2-byte length. */
    public static final int MAX_KEY_BYTES = 1 + (1 + MAX_DIMENSIONS) * (2 + MAX_VALUE_BYTES);

    private KeyCodec() {}

    /** Encodes values given in descriptor order. */
    public static byte[] encode(ViewDescriptor view, List<String> values) {
        if (values.size() != view.dimensionCount()) {
            throw new IllegalArgumentException("view " + view.name() + " expects " + view.dimensionCount() + " values "
                    + view.dimensions() + ", got " + values.size());
        }
        byte[][] utf8 = new byte[values.size()][];
        int length = view.keyPrefixLength();
        for (int i = 0; i < utf8.length; i++) {
            utf8[i] = strictUtf8(view.dimensions().get(i), values.get(i));
            checkValueLength(view.dimensions().get(i), utf8[i].length);
            length += varintLength(utf8[i].length) + utf8[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        out.put(view.keyPrefix());
        for (byte[] v : utf8) {
            writeValue(out, v, 0, v.length);
        }
        return out.array();
    }

    public static byte[] encode(ViewDescriptor view, String... values) {
        return encode(view, List.of(values));
    }

    /**
     * Encodes values given by dimension name, in whatever order the map iterates: the key order is the descriptor's.
     *
     * @throws IllegalArgumentException when a dimension is missing or the map names one the view does not have
     */
    public static byte[] encode(ViewDescriptor view, Map<String, String> valuesByDimension) {
        for (String d : valuesByDimension.keySet()) {
            if (view.dimensionIndex(d) < 0) {
                throw new IllegalArgumentException(
                        "view " + view.name() + " has no dimension \"" + d + "\"; dimensions are " + view.dimensions());
            }
        }
        List<String> ordered = new ArrayList<>(view.dimensionCount());
        for (String d : view.dimensions()) {
            String v = valuesByDimension.get(d);
            if (v == null) {
                throw new IllegalArgumentException("view " + view.name() + " needs dimension \"" + d + "\"");
            }
            ordered.add(v);
        }
        return encode(view, ordered);
    }

    /** A key split back into its parts. */
    public record Decoded(String view, List<String> values) {}

    /**
     * Decodes any well-formed key.
     *
     * @throws IllegalArgumentException when the bytes are not a key of this format
     */
    public static Decoded decode(byte[] key) {
        ByteBuffer in = ByteBuffer.wrap(key);
        if (!in.hasRemaining() || in.get() != FORMAT) {
            throw new IllegalArgumentException("not a key of format " + FORMAT + ": first byte "
                    + (key.length == 0 ? "missing" : String.valueOf(key[0])));
        }
        String view = readString(in);
        List<String> values = new ArrayList<>();
        while (in.hasRemaining()) {
            if (values.size() == MAX_DIMENSIONS) {
                throw new IllegalArgumentException("key has more than " + MAX_DIMENSIONS + " values");
            }
            values.add(readString(in));
        }
        return new Decoded(view, List.copyOf(values));
    }

    /**
     * Decodes a key of the given view.
     *
     * @throws IllegalArgumentException when the key belongs to another view or has the wrong number of values
     */
    public static List<String> decode(ViewDescriptor view, byte[] key) {
        Decoded d = decode(key);
        if (!d.view().equals(view.name()) || d.values().size() != view.dimensionCount()) {
            throw new IllegalArgumentException("key of " + d.view() + " with "
                    + d.values().size() + " values is not a key of " + view.name() + " " + view.dimensions());
        }
        return d.values();
    }

    /** Copies the view's prefix (format byte and name) into {@code dst} at its position. Allocation-free. */
    public static void writePrefix(ViewDescriptor view, ByteBuffer dst) {
        dst.put(view.keyPrefix());
    }

    /** Appends one length-prefixed value taken from a byte array. Allocation-free. */
    public static void writeValue(ByteBuffer dst, byte[] src, int offset, int length) {
        writeVarint(dst, length);
        dst.put(src, offset, length);
    }

    /** Appends one length-prefixed value from {@code src}'s bytes [offset, offset+length). Allocation-free. */
    public static void writeValue(ByteBuffer dst, ByteBuffer src, int offset, int length) {
        writeVarint(dst, length);
        dst.put(dst.position(), src, offset, length);
        dst.position(dst.position() + length);
    }

    /** Bytes a value of {@code length} bytes takes in a key, length prefix included. */
    public static int encodedValueLength(int length) {
        return varintLength(length) + length;
    }

    static byte[] prefixOf(byte[] viewName) {
        checkValueLength("view name", viewName.length);
        ByteBuffer out = ByteBuffer.allocate(1 + encodedValueLength(viewName.length));
        out.put(FORMAT);
        writeValue(out, viewName, 0, viewName.length);
        return out.array();
    }

    /** Unpaired surrogates have no UTF-8 form; silently replacing them would make two inputs share a key. */
    private static boolean isAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] strictUtf8(String dimension, String value) {
        if (isAscii(value)) {
            // The common case, on every lookup of a client: one array, no encoder (UTF-8 of ASCII is ASCII).
            return value.getBytes(StandardCharsets.US_ASCII);
        }
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(dimension + " is not valid Unicode (unpaired surrogate)", e);
        }
    }

    static void checkValueLength(String what, int length) {
        if (length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException(what + " is " + length + " bytes > MAX_VALUE_BYTES=" + MAX_VALUE_BYTES);
        }
    }

    private static void writeVarint(ByteBuffer dst, int value) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            dst.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        dst.put((byte) v);
    }

    private static int varintLength(int value) {
        return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : value < 0x1000_0000 ? 4 : 5;
    }

    private static String readString(ByteBuffer in) {
        int length = readVarint(in);
        if (length > in.remaining()) {
            throw new IllegalArgumentException(
                    "value of " + length + " bytes overruns the key (" + in.remaining() + " left)");
        }
        checkValueLength("value", length);
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static int readVarint(ByteBuffer in) {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            if (!in.hasRemaining()) {
                throw new IllegalArgumentException("length varint is cut off at byte " + in.position());
            }
            byte b = in.get();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) {
                    throw new IllegalArgumentException("length varint is not minimal at byte " + (in.position() - 1));
                }
                return value;
            }
        }
        throw new IllegalArgumentException("length varint is longer than 4 bytes");
    }
}
