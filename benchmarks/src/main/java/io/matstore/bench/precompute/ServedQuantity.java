package io.matstore.bench.precompute;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks a serving node on 127.0.0.1 for a probe sku's offer (USD, standard tier) as JSON and reads its
 * {@code quantity}, the field a marker sets. One keep-alive HTTP/1.1 connection of the JDK client: the probe's
 * few requests per millisecond at most cost the node nothing next to the pipeline it measures.
 */
final class ServedQuantity {
    private static final String FIELD = "\"quantity\":";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final HttpRequest[] requests;
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastFailure = "none";

    ServedQuantity(int port, ProbeSkus skus) {
        requests = new HttpRequest[skus.size()];
        for (int i = 0; i < skus.size(); i++) {
            requests[i] = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/views/offers?sku="
                            + skus.sku(i) + "&region=" + ProbeSkus.REGION + "&currency=USD&tier=standard"))
                    .header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(2))
                    .GET()
                    .build();
        }
    }

    /** @return the quantity the node serves for probe sku {@code i}, or -1 when it has no answer (yet) */
    int read(int i) throws InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(requests[i], HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            failures.incrementAndGet();
            lastFailure = e.toString();
            return -1;
        }
        if (r.statusCode() != 200) {
            if (r.statusCode() != 404) { // 404: the product is not served yet
                failures.incrementAndGet();
                lastFailure = r.statusCode() + " " + r.body();
            }
            return -1;
        }
        return quantity(r.body());
    }

    /** Requests that failed or answered other than 200 or 404. */
    long failures() {
        return failures.get();
    }

    /** The last failure's exception or status and body, "none" without one. */
    String lastFailure() {
        return lastFailure;
    }

    static int quantity(String json) {
        int at = json.indexOf(FIELD);
        if (at < 0) {
            throw new IllegalStateException("no " + FIELD + " in " + json);
        }
        int end = at + FIELD.length();
        int q = 0;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            q = q * 10 + (json.charAt(end++) - '0');
        }
        return q;
    }
}
