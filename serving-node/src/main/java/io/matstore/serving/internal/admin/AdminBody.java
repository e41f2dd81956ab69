package io.matstore.serving.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A command's parameters: a JSON object body, {@code Content-Type: application/json}. Requiring JSON is what keeps
 * a browser from sending a command on a page's behalf: an HTML form cannot send that type, and a script can only
 * after a CORS preflight, which this listener never grants. Members are strings, numbers, booleans or arrays of
 * them (an array is the comma-separated list a query parameter would give: {@code "partitions":[0,1]}).
 */
final class AdminBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminBody() {}

    /** The body's content type is not JSON, or the body is not a JSON object of simple members. */
    static final class Refused extends Exception {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** Checks the content type now (on the event loop); the body is parsed with {@link #parameters}. */
    static void checkContentType(FullHttpRequest req) throws Refused {
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        int semicolon = t.indexOf(';');
        if (!(semicolon < 0 ? t : t.substring(0, semicolon)).trim().equals("application/json")) {
            throw new Refused(
                    415,
                    "unsupported_media_type",
                    "admin commands take a JSON object body with"
                            + " Content-Type: application/json ({} for no parameters); got Content-Type "
                            + (type == null ? "(none)" : type));
        }
    }

    /** Adds the members of the JSON object {@code body} to {@code params} (a member replaces a query parameter). */
    static void parameters(String body, Map<String, List<String>> params) throws Refused {
        JsonNode root;
        try {
            root = JSON.readTree(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Refused(
                    400,
                    "bad_body",
                    "the body is not JSON: "
                            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new Refused(400, "bad_body", "the body must be a JSON object ({} for no parameters)");
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            StringBuilder joined = new StringBuilder();
            if (v.isArray()) {
                for (JsonNode item : v) {
                    joined.append(joined.length() == 0 ? "" : ",").append(scalar(e.getKey(), item));
                }
            } else {
                joined.append(scalar(e.getKey(), v));
            }
            List<String> values = new ArrayList<>(1);
            values.add(joined.toString());
            params.put(e.getKey(), values);
        }
    }

    private static String scalar(String name, JsonNode v) throws Refused {
        if (v.isValueNode() && !v.isNull()) {
            return v.asText();
        }
        throw new Refused(
                400, "bad_body", "member \"" + name + "\" must be a string, number, boolean or an array" + " of them");
    }
}
