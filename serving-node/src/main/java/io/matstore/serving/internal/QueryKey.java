package io.matstore.serving.internal;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.view.json.Ascii;
import java.nio.ByteBuffer;

/**
 * Turns a request's query string into the canonical request key (see {@link KeyCodec}) without allocating: the
 * query is scanned once into parameter spans, then each dimension's value is percent-decoded straight into the
 * reused key buffer in descriptor order.
 *
 * <p>The query is read from the request URI as Netty decodes it, one char per byte (0..255); {@code %XX} is a byte,
 * {@code +} is a space (form encoding), any other char is its own byte. The parameter {@value #VERSION} pins a
 * view version unless the view has a dimension of that name. Rules: every dimension exactly once, non-empty; no
 * other parameter. One instance per thread: it keeps the spans of the last scan.
 */
public final class QueryKey {
    public static final int OK = 0;
    public static final int UNKNOWN_PARAMETER = 1;
    public static final int MISSING_PARAMETER = 2;
    public static final int EMPTY_PARAMETER = 3;
    public static final int REPEATED_PARAMETER = 4;
    public static final int BAD_ENCODING = 5;
    public static final int VALUE_TOO_LONG = 6;
    public static final int TOO_MANY_PARAMETERS = 7;
    public static final int BAD_VERSION = 8;

    /** The most parameters one query may carry. */
    public static final int MAX_PARAMETERS = 32;

    public static final String VERSION = "version";
    /** {@link #pinnedVersion} when the query does not pin one. */
    public static final int UNPINNED = 0;

    private final int[] nameStart = new int[MAX_PARAMETERS];
    private final int[] nameEnd = new int[MAX_PARAMETERS];
    private final int[] valueEnd = new int[MAX_PARAMETERS];
    private final int[] paramOfDimension = new int[KeyCodec.MAX_DIMENSIONS];
    /** A value decoded before it is copied into the key in one put (its length prefix goes first). */
    private final byte[] value = new byte[KeyCodec.MAX_VALUE_BYTES];

    private CharSequence query;
    /** The view of the last {@link #build}, and whether it takes {@value #VERSION} as a pin (not a dimension). */
    private ViewDescriptor lastView;

    private boolean lastPinningAllowed;
    private int count;
    private int errorParam;
    private int errorDimension;

    /**
     * Splits {@code s[from, to)} ({@code a=1&b=2}) into parameters. Empty segments ({@code a=1&&b=2}) are skipped.
     *
     * @return OK or TOO_MANY_PARAMETERS
     */
    public int scan(CharSequence s, int from, int to) {
        query = s;
        count = 0;
        int i = from;
        while (i < to) {
            int end = i;
            int eq = -1;
            while (end < to && s.charAt(end) != '&') {
                if (eq < 0 && s.charAt(end) == '=') {
                    eq = end;
                }
                end++;
            }
            if (end > i) {
                if (count == MAX_PARAMETERS) {
                    return TOO_MANY_PARAMETERS;
                }
                nameStart[count] = i;
                nameEnd[count] = eq < 0 ? end : eq;
                valueEnd[count] = end;
                count++;
            }
            i = end + 1;
        }
        return OK;
    }

    /**
     * The version the query pins, {@link #UNPINNED}, or -1 when the {@code version} parameter is not a positive
     * decimal int (or repeated).
     */
    public int pinnedVersion(boolean versionIsDimension) {
        if (versionIsDimension) {
            return UNPINNED;
        }
        int found = UNPINNED;
        for (int p = 0; p < count; p++) {
            if (nameIs(p, VERSION)) {
                if (found != UNPINNED) {
                    return -1;
                }
                found = parsePositiveInt(query, nameEnd[p] + 1, valueEnd[p]);
                if (found <= 0) {
                    return -1;
                }
            }
        }
        return found;
    }

    /**
     * Encodes the scanned query as the key of {@code view} into {@code key}, from position 0; on return key is
     * flipped ([0, length) is the key). On an error the key's content is undefined and {@link #errorMessage}
     * says what was wrong.
     */
    public int build(ViewDescriptor view, ByteBuffer key) {
        int dims = view.dimensionCount();
        for (int d = 0; d < dims; d++) {
            paramOfDimension[d] = -1;
        }
        if (view != lastView) {
            // a List.indexOf of String.equals per item, 3 % of a batch's event loop: asked once per view
            lastPinningAllowed = view.dimensionIndex(VERSION) < 0;
            lastView = view;
        }
        boolean pinningAllowed = lastPinningAllowed;
        for (int p = 0; p < count; p++) {
            int d = dimensionOf(view, p);
            if (d < 0) {
                if (pinningAllowed && nameIs(p, VERSION)) {
                    continue;
                }
                errorParam = p;
                return UNKNOWN_PARAMETER;
            }
            if (paramOfDimension[d] >= 0) {
                errorParam = p;
                return REPEATED_PARAMETER;
            }
            if (nameEnd[p] + 1 >= valueEnd[p]) {
                errorParam = p;
                return EMPTY_PARAMETER;
            }
            paramOfDimension[d] = p;
        }
        key.clear();
        KeyCodec.writePrefix(view, key);
        for (int d = 0; d < dims; d++) {
            int p = paramOfDimension[d];
            if (p < 0) {
                errorDimension = d;
                return MISSING_PARAMETER;
            }
            int result = writeValue(p, key);
            if (result != OK) {
                errorParam = p;
                return result;
            }
        }
        key.flip();
        return OK;
    }

    /** Why the last scan/build failed. Cold path: allocates. */
    public String errorMessage(int code, ViewDescriptor view) {
        switch (code) {
            case UNKNOWN_PARAMETER:
                return "unknown parameter \"" + name(errorParam) + "\"; view " + view.name() + " takes "
                        + view.dimensions();
            case MISSING_PARAMETER:
                return "missing parameter \"" + view.dimensions().get(errorDimension) + "\"; view " + view.name()
                        + " takes " + view.dimensions();
            case EMPTY_PARAMETER:
                return "parameter \"" + name(errorParam) + "\" is empty";
            case REPEATED_PARAMETER:
                return "parameter \"" + name(errorParam) + "\" is repeated";
            case BAD_ENCODING:
                return "parameter \"" + name(errorParam) + "\" has a malformed percent-encoding";
            case VALUE_TOO_LONG:
                return "parameter \"" + name(errorParam) + "\" is longer than MAX_VALUE_BYTES="
                        + KeyCodec.MAX_VALUE_BYTES;
            case TOO_MANY_PARAMETERS:
                return "more than MAX_PARAMETERS=" + MAX_PARAMETERS + " query parameters";
            case BAD_VERSION:
                return "parameter \"" + VERSION + "\" must be one positive integer";
            default:
                return "malformed query";
        }
    }

    /** The stable error code of a result, as the API documents it. */
    public static String errorCode(int code) {
        switch (code) {
            case UNKNOWN_PARAMETER:
                return "unknown_parameter";
            case MISSING_PARAMETER:
                return "missing_parameter";
            case EMPTY_PARAMETER:
                return "empty_parameter";
            case REPEATED_PARAMETER:
                return "repeated_parameter";
            case BAD_ENCODING:
                return "bad_encoding";
            case VALUE_TOO_LONG:
                return "value_too_long";
            case TOO_MANY_PARAMETERS:
                return "too_many_parameters";
            case BAD_VERSION:
                return "bad_version";
            default:
                return "malformed_request";
        }
    }

    private String name(int p) {
        return query.subSequence(nameStart[p], nameEnd[p]).toString();
    }

    private boolean nameIs(int p, String name) {
        int length = nameEnd[p] - nameStart[p];
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (query.charAt(nameStart[p] + i) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int dimensionOf(ViewDescriptor view, int p) {
        for (int d = 0, n = view.dimensionCount(); d < n; d++) {
            if (nameIs(p, view.dimensions().get(d))) {
                return d;
            }
        }
        return -1;
    }

    /**
     * Decoded length first (the varint precedes the bytes), then the bytes: decoded in one pass into {@link #value},
     * then copied into the key in one put (two passes over the chars and a checked put per byte were 14 % of a
     * binary batch's event loop).
     */
    private int writeValue(int p, ByteBuffer key) {
        int to = valueEnd[p];
        byte[] out = value;
        int n = 0;
        // past MAX_VALUE_BYTES the bytes are counted, not kept: a bad encoding further on still wins, as it did
        for (int i = nameEnd[p] + 1; i < to; i++) {
            char c = query.charAt(i);
            int b;
            if (c == '%') {
                int hi = i + 2 < to ? Ascii.hexValue(query.charAt(i + 1)) : -1;
                int lo = hi < 0 ? -1 : Ascii.hexValue(query.charAt(i + 2));
                if (lo < 0) {
                    return BAD_ENCODING;
                }
                b = hi << 4 | lo;
                i += 2;
            } else if (c == '+') {
                b = ' ';
            } else if (c > 0xFF) {
                return BAD_ENCODING;
            } else {
                b = c;
            }
            if (n < out.length) {
                out[n] = (byte) b;
            }
            n++;
        }
        if (n > out.length) {
            return VALUE_TOO_LONG;
        }
        writeVarint(key, n);
        key.put(out, 0, n);
        return OK;
    }

    /** Minimal unsigned LEB128, as KeyCodec writes lengths. */
    private static void writeVarint(ByteBuffer key, int value) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            key.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        key.put((byte) v);
    }

    private static int parsePositiveInt(CharSequence s, int from, int to) {
        if (from >= to || to - from > 9) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
