package io.matstore.it.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.matstore.it.precompute.OffersReference;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a serving node answers over HTTP on 127.0.0.1, read the way a client would, compared with the reference. */
final class NodeView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private NodeView() {}

    static HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                        .header("Accept", "application/json")
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String path(List<String> key) {
        return "/v1/views/offers?sku=" + enc(key.get(0)) + "&region=" + enc(key.get(1)) + "&currency=" + enc(key.get(2))
                + "&tier=" + enc(key.get(3));
    }

    /** The probe key's quantity as served, or -1 when the node does not answer it (down, loading, 404). */
    static int quantity(int port, List<String> key) {
        try {
            HttpResponse<String> r = get(port, path(key));
            return r.statusCode() == 200
                    ? JSON.readTree(r.body()).get("quantity").asInt()
                    : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** As {@link #quantity(int, List)}, from the given version (pinned). */
    static int quantity(int port, List<String> key, int version) {
        try {
            HttpResponse<String> r = get(port, path(key) + "&version=" + version);
            return r.statusCode() == 200
                    ? JSON.readTree(r.body()).get("quantity").asInt()
                    : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** The value of an unlabelled-or-labelled gauge line on /metrics, or NaN. */
    static double metric(int port, String name) {
        try {
            for (String line : get(port, "/metrics").body().split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (Exception e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /**
     * Every difference between what the node answers and the reference: a wrong or missing response, one not
     * marked fresh, and a key outside the space that is not 404. Empty when the node serves exactly the reference.
     */
    static List<String> differences(
            int port, Map<List<String>, OffersReference.Offer> expected, List<List<String>> outside, int limit) {
        List<String> out = new ArrayList<>();
        try {
            for (Map.Entry<List<String>, OffersReference.Offer> e : expected.entrySet()) {
                HttpResponse<String> r = get(port, path(e.getKey()));
                if (r.statusCode() != 200) {
                    out.add(e.getKey() + ": HTTP " + r.statusCode());
                } else {
                    OffersReference.Offer served = OffersReference.Offer.fromV1Json(JSON.readTree(r.body()));
                    if (!served.equals(e.getValue())) {
                        out.add(e.getKey() + ": expected " + e.getValue() + " but was " + served);
                    }
                    String freshness =
                            r.headers().firstValue("X-Matstore-Freshness").orElse("");
                    if (!freshness.equals("fresh")) {
                        out.add(e.getKey() + ": freshness " + freshness);
                    }
                }
                if (out.size() >= limit) {
                    return out;
                }
            }
            for (List<String> key : outside) {
                int status = get(port, path(key)).statusCode();
                if (status != 404) {
                    out.add(key + " is outside the space but answered " + status);
                }
            }
        } catch (Exception ex) {
            out.add("node on port " + port + " failed: " + ex);
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
