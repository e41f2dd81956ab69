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
 * host). Every request has a timeout. A bare Netty client measured ~2-4x the round trips at a quarter of the
 * allocation (docs/benchmarks.md, "Client"); this class is the whole transport so that it can be replaced alone.
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

    /**
     * A GET. {@code blocking}: sent on the calling thread and returned completed. The JDK's {@code sendAsync} hands
     * every completion to the common pool, which on a machine with fewer than 3 cores is a new thread per request
     * (CompletableFuture's fallback); measured in ClientLookupBenchmark at ~1,300 instead of ~7,000-12,000
     * lookups/s here. So blocking calls use the synchronous {@code send}.
     */
    public CompletableFuture<HttpResponse<byte[]>> get(String url, String accept, boolean blocking) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout)
                .header("Accept", accept).GET().build();
        if (!blocking) {
            return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        try {
            return CompletableFuture.completedFuture(client.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        } catch (java.io.IOException e) {
            return CompletableFuture.failedFuture(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
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
