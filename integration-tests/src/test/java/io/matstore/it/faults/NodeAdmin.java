package io.matstore.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A serving node's admin listener (127.0.0.1, bearer token), driven the way an operator's CLI drives it. */
final class NodeAdmin {
    static final String TOKEN = "fault-run";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private NodeAdmin() {}

    /** {@code GET /admin/status}, parsed. */
    static JsonNode status(int adminPort) throws Exception {
        HttpResponse<String> r =
                HTTP.send(request(adminPort, "/admin/status").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("admin status answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** A command, e.g. {@code views/offers/versions/2/swap?force=true}, answered whatever its status. */
    static HttpResponse<String> post(int adminPort, String command) throws Exception {
        return HTTP.send(postRequest(adminPort, command), HttpResponse.BodyHandlers.ofString());
    }

    /** A command sent without waiting: the caller kills the node while it runs. */
    static CompletableFuture<HttpResponse<String>> postAsync(int adminPort, String command) {
        return HTTP.sendAsync(postRequest(adminPort, command), HttpResponse.BodyHandlers.ofString());
    }

    /** The status entry of one held version of offers, or null when it is not held. */
    static JsonNode version(JsonNode status, int version) {
        for (JsonNode v : status.get("versions")) {
            if (v.get("view").asText().equals("offers") && v.get("version").asInt() == version) {
                return v;
            }
        }
        return null;
    }

    /** The current version of offers, 0 when none. */
    static int current(JsonNode status) {
        for (JsonNode v : status.get("versions")) {
            if (v.get("view").asText().equals("offers") && v.get("current").asBoolean()) {
                return v.get("version").asInt();
            }
        }
        return 0;
    }

    private static HttpRequest postRequest(int adminPort, String command) {
        return request(adminPort, "/admin/" + command)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
    }

    private static HttpRequest.Builder request(int adminPort, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(60));
    }
}
