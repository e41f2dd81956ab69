package io.matstore.serving.internal;

/**
 * Weighs an {@code Accept} header (RFC 9110 §12.5.1) in place, on the hot path: no split, no Strings, no boxing.
 * The quality of a media type is that of the most specific range matching it ({@code type/subtype} over
 * {@code type/*} over {@code * / *}), in thousandths; a range with {@code q=0} refuses the type even when a wider
 * range accepts it. A malformed q counts as 1 (be lenient in what a client sends; the alternative is a 400 for a
 * header most clients never write by hand).
 */
final class AcceptHeader {
    /** No range matches the type. */
    static final int NO_MATCH = -1;

    private AcceptHeader() {}

    /**
     * Quality (0..1000) the header gives {@code type} (lower-case {@code "main/sub"}), or {@link #NO_MATCH}; a null
     * or empty header accepts everything (1000).
     */
    static int quality(String accept, String type) {
        if (accept == null || accept.isEmpty()) {
            return 1000;
        }
        int slash = type.indexOf('/');
        int best = NO_MATCH;
        int bestSpecificity = 0;
        int n = accept.length();
        int i = 0;
        while (i < n) {
            int end = indexOf(accept, ',', i, n);
            int rangeStart = skipSpaces(accept, i, end);
            int rangeEnd = indexOf(accept, ';', rangeStart, end);
            while (rangeEnd > rangeStart && accept.charAt(rangeEnd - 1) == ' ') {
                rangeEnd--;
            }
            int specificity = specificity(accept, rangeStart, rangeEnd, type, slash);
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                best = q(accept, rangeEnd, end);
            }
            i = end + 1;
        }
        return best;
    }

    /** 3: the exact type, 2: {@code main/*}, 1: {@code * / *}, 0: no match. */
    private static int specificity(String s, int from, int to, String type, int slash) {
        int len = to - from;
        if (len == type.length() && s.regionMatches(true, from, type, 0, len)) {
            return 3;
        }
        if (len == slash + 2 && s.regionMatches(true, from, type, 0, slash + 1) && s.charAt(to - 1) == '*') {
            return 2;
        }
        return len == 3 && s.startsWith("*/*", from) ? 1 : 0;
    }

    /** The q parameter among {@code s[from, to)} (";a=b;q=0.5"), in thousandths; 1000 when absent. */
    private static int q(String s, int from, int to) {
        int i = from;
        while (i < to) {
            int paramStart = skipSpaces(s, i + 1, to);
            int paramEnd = indexOf(s, ';', paramStart, to);
            if (paramEnd - paramStart >= 2
                    && (s.charAt(paramStart) == 'q' || s.charAt(paramStart) == 'Q')
                    && s.charAt(paramStart + 1) == '=') {
                return parseQ(s, paramStart + 2, paramEnd);
            }
            i = paramEnd;
        }
        return 1000;
    }

    /** {@code 0}, {@code 0.5}, {@code 1.000}... as thousandths; malformed: 1000. */
    private static int parseQ(String s, int from, int to) {
        while (to > from && s.charAt(to - 1) == ' ') {
            to--;
        }
        if (from >= to) {
            return 1000;
        }
        char first = s.charAt(from);
        if (first != '0' && first != '1') {
            return 1000;
        }
        int value = (first - '0') * 1000;
        if (from + 1 < to) {
            if (s.charAt(from + 1) != '.' || to - from - 2 > 3) {
                return 1000;
            }
            int scale = 100;
            for (int k = from + 2; k < to; k++) {
                char c = s.charAt(k);
                if (c < '0' || c > '9') {
                    return 1000;
                }
                value += (c - '0') * scale;
                scale /= 10;
            }
        }
        return Math.min(value, 1000);
    }

    private static int indexOf(String s, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return to;
    }

    private static int skipSpaces(String s, int from, int to) {
        int i = from;
        while (i < to && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
