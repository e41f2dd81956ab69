package io.matstore.client.internal;

import io.netty.buffer.ByteBuf;

/**
 * Percent-encoding of query parameters into a buffer, without building Strings: the unreserved characters of
 * RFC 3986 ({@code A-Z a-z 0-9 - . _ ~}) as they are, every other UTF-8 byte as {@code %XX}.
 */
public final class Query {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Query() {}

    public static void writeEncoded(ByteBuf out, CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (unreserved(c)) {
                    out.writeByte(c);
                } else {
                    percent(out, c);
                }
            } else if (c < 0x800) {
                percent(out, 0xC0 | (c >> 6));
                percent(out, 0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                percent(out, 0xF0 | (cp >> 18));
                percent(out, 0x80 | ((cp >> 12) & 0x3F));
                percent(out, 0x80 | ((cp >> 6) & 0x3F));
                percent(out, 0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                percent(out, '?'); // a lone surrogate, as String.getBytes(UTF_8) replaces it
            } else {
                percent(out, 0xE0 | (c >> 12));
                percent(out, 0x80 | ((c >> 6) & 0x3F));
                percent(out, 0x80 | (c & 0x3F));
            }
        }
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }

    private static void percent(ByteBuf out, int b) {
        out.writeByte('%');
        out.writeByte(HEX[(b >> 4) & 0xF]);
        out.writeByte(HEX[b & 0xF]);
    }
}
