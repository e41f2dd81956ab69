package io.matstore.serving.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Error and small plain responses. Errors of the HTTP listener are RFC 9457 problem details,
 * {@code application/problem+json}:
 * <pre>
 *   {"type":"about:blank","title":"Not Found","status":404,"detail":"...","code":"not_found"}
 * </pre>
 * {@code code} (an extension member) is the stable, machine-readable identifier; {@code type} stays
 * {@code about:blank} (so {@code title} is the status phrase) because the codes are documented in docs/api.md rather
 * than at URLs of their own. Cold path: these may allocate.
 */
public final class HttpErrors {
    /** Media type of every error body of the HTTP listener. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private HttpErrors() {}

    /** An error response; {@code extraHeaders} are complete lines ("Allow: GET\r\n") or empty. */
    public static ByteBuf error(
            ByteBufAllocator alloc, int status, String code, String message, boolean keepAlive, String extraHeaders) {
        return response(alloc, status, PROBLEM_JSON, problem(status, code, message, ""), keepAlive, extraHeaders);
    }

    /**
     * A problem details object; {@code extensions} are further members, each with its leading comma
     * ({@code ,"partition":3}), or empty.
     */
    public static String problem(int status, String code, String message, String extensions) {
        return "{\"type\":\"about:blank\",\"title\":"
                + quote(HttpResponseStatus.valueOf(status).reasonPhrase())
                + ",\"status\":" + status + ",\"detail\":" + quote(message) + ",\"code\":" + quote(code) + extensions
                + "}";
    }

    /**
     * {@code {"error":{"code":"...","message":"..."}}}: the shape of a batch item's error and of the admin
     * listener's errors.
     */
    public static String errorBody(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":" + quote(message) + "}}";
    }

    public static ByteBuf response(
            ByteBufAllocator alloc,
            int status,
            String contentType,
            String body,
            boolean keepAlive,
            String extraHeaders) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head =
                "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n"
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
