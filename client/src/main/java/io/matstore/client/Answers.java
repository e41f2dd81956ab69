package io.matstore.client;

import io.matstore.client.internal.Json;
import io.matstore.client.internal.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads a node's answer: a {@link Lookup} from a 200, a typed exception from an error (docs/api.md "Errors"). */
final class Answers {
    private Answers() {}

    static Lookup lookup(Response r, boolean flatBuffers, URI node) {
        return new Lookup(
                r.body(),
                flatBuffers,
                (int) longHeader(r, "X-Matstore-View-Version", 0),
                Freshness.ofHeader(r.header("X-Matstore-Freshness")),
                Duration.ofSeconds(longHeader(r, "Age", 0)),
                longHeader(r, "X-Matstore-Computed-At-Micros", 0),
                r.header("ETag"),
                node);
    }

    /**
     * The error of a body: RFC 9457 problem details with a {@code code} member (the object itself), or the
     * {@code {"error":{...}}} of nodes before them and of batch items; null when the body is neither.
     */
    static Json.Obj errorObject(byte[] body) {
        try {
            Json.Obj root = Json.parseObject(new String(body, StandardCharsets.UTF_8));
            Json.Obj legacy = root.obj("error");
            if (legacy != null) {
                return legacy;
            }
            return root.string("code") != null ? root : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The human-readable text of an error object: a problem's {@code detail}, else the older {@code message}. */
    static String message(Json.Obj error) {
        String detail = error.string("detail");
        return detail != null ? detail : error.string("message");
    }

    /** The typed exception for a non-2xx answer other than 421. */
    static MatstoreClientException error(Response r, URI node) {
        return error(r.statusCode(), errorObject(r.body()), retryAfter(r), node);
    }

    static MatstoreClientException error(int status, Json.Obj error, Duration retryAfter, URI node) {
        String code = error == null ? "http_" + status : String.valueOf(error.string("code"));
        String message = (error == null ? "HTTP " + status : message(error)) + " (node " + node + ")";
        if (status == 404) {
            return new NotFoundException(code, message, node);
        }
        if (status >= 400 && status < 500) {
            return new BadRequestException(status, code, message, node);
        }
        return new UnavailableException(status, code, message, node, retryAfter, null);
    }

    static Duration retryAfter(Response r) {
        return Duration.ofSeconds(longHeader(r, "Retry-After", 0));
    }

    private static long longHeader(Response r, String name, long otherwise) {
        String v = r.header(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
