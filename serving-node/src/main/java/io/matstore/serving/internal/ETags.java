package io.matstore.serving.internal;

import io.matstore.view.json.Ascii;

/**
 * Entity tags derived from an envelope's content hash: {@code "<16 hex digits><suffix>"}, where the suffix names
 * the representation (empty for FlatBuffers, see {@link Freshness#jsonTagSuffix} for JSON). Matching an
 * If-None-Match list walks the header's chars in place (weak comparison, RFC 9110 §13.1.2), with no parsing into
 * Strings.
 */
public final class ETags {
    /** The FlatBuffers representation's tag is the bare hash. */
    static final byte[] NO_SUFFIX = new byte[0];

    private ETags() {}

    /** Whether {@code ifNoneMatch} ({@code *}, or a comma-separated list of tags) names the tag of {@code hash}. */
    public static boolean matches(CharSequence ifNoneMatch, long hash) {
        return matches(ifNoneMatch, hash, NO_SUFFIX);
    }

    /** Whether {@code ifNoneMatch} names the tag {@code "<hash><suffix>"}. */
    static boolean matches(CharSequence ifNoneMatch, long hash, byte[] suffix) {
        if (ifNoneMatch == null) {
            return false;
        }
        int n = ifNoneMatch.length();
        int i = 0;
        while (i < n) {
            char c = ifNoneMatch.charAt(i);
            if (c == '*') {
                return true;
            }
            int end = i + 17 + suffix.length;
            if (c == '"'
                    && end < n
                    && ifNoneMatch.charAt(end) == '"'
                    && hexEquals(ifNoneMatch, i + 1, hash)
                    && suffixEquals(ifNoneMatch, i + 17, suffix)) {
                return true;
            }
            if (c == '"') {
                // skip to the closing quote so a tag's content is never read as a list separator
                int close = i + 1;
                while (close < n && ifNoneMatch.charAt(close) != '"') {
                    close++;
                }
                i = close + 1;
            } else {
                i++;
            }
        }
        return false;
    }

    private static boolean suffixEquals(CharSequence s, int from, byte[] suffix) {
        for (int k = 0; k < suffix.length; k++) {
            if (s.charAt(from + k) != suffix[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean hexEquals(CharSequence s, int from, long hash) {
        for (int k = 0; k < 16; k++) {
            int digit = Ascii.hexValue(s.charAt(from + k));
            if (digit != ((int) (hash >>> (60 - 4 * k)) & 0xF)) {
                return false;
            }
        }
        return true;
    }
}
