package io.matstore.serving.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Error and small plain responses: {@code {"error":{"code":"...","message":"..."}}} with a stable code. Cold
 * path: these may allocate.
 */
public final class HttpErrors {
    private HttpErrors() {
    }

    /** An error response; {@code extraHeaders} are complete lines ("Allow: GET\r\n") or empty. */
    public static ByteBuf error(ByteBufAllocator alloc, int status, String code, String message, boolean keepAlive,
                                String extraHeaders) {
        return response(alloc, status, "application/json", errorBody(code, message), keepAlive, extraHeaders);
    }

    public static String errorBody(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":" + quote(message) + "}}";
    }

    public static ByteBuf response(ByteBufAllocator alloc, int status, String contentType, String body,
                                   boolean keepAlive, String extraHeaders) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "Cache-Control: no-store\r\n"
                + extraHeaders
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        ByteBuf out = alloc.directBuffer(head.length() + bytes.length);
        out.writeCharSequence(head, StandardCharsets.US_ASCII);
        out.writeBytes(bytes);
        return out;
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
