package io.matstore.client.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The client's HTTP/1.1 transport: the JDK's {@link HttpClient} with keep-alive connections (its own pool per
 * host), chosen by measurement against Netty's client (docs/benchmarks.md, "Client"). Every request has a timeout.
 */
public final class Http {
    public static final String FLATBUFFERS = "application/x-flatbuffers";
    public static final String JSON = "application/json";

    private final HttpClient client;
    private final Duration requestTimeout;

    public Http(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.requestTimeout = requestTimeout;
    }

    public CompletableFuture<HttpResponse<byte[]>> get(String url, String accept) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout)
                .header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public CompletableFuture<HttpResponse<byte[]>> post(String url, String body) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout)
                .header("Accept", JSON).header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A conditional GET of a JSON document; {@code etag} null for an unconditional one. */
    public HttpResponse<byte[]> getDocument(String url, String etag) throws java.io.IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout).header("Accept", JSON);
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
