package io.matstore.client;

import io.matstore.client.internal.Json;
import io.matstore.client.internal.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads a node's answer: a {@link Lookup} from a 200, a typed exception from an error (docs/api.md "Errors"). */
final class Answers {
    private Answers() {
    }

    static Lookup lookup(Response r, boolean flatBuffers, URI node) {
        return new Lookup(r.body(), flatBuffers, (int) longHeader(r, "X-Matstore-View-Version", 0),
                Freshness.ofHeader(r.header("X-Matstore-Freshness")),
                Duration.ofSeconds(longHeader(r, "Age", 0)), longHeader(r, "X-Matstore-Computed-At-Micros", 0),
                r.header("ETag"), node);
    }

    /** The error object of a body {@code {"error":{...}}}, or null when the body is not one. */
    static Json.Obj errorObject(byte[] body) {
        try {
            return Json.parseObject(new String(body, StandardCharsets.UTF_8)).obj("error");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The typed exception for a non-2xx answer other than 421. */
    static MatstoreClientException error(Response r, URI node) {
        return error(r.statusCode(), errorObject(r.body()), retryAfter(r), node);
    }

    static MatstoreClientException error(int status, Json.Obj error, Duration retryAfter, URI node) {
        String code = error == null ? "http_" + status : String.valueOf(error.string("code"));
        String message = (error == null ? "HTTP " + status : error.string("message")) + " (node " + node + ")";
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
