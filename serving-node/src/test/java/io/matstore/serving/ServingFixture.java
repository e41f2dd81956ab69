package io.matstore.serving;

import io.matstore.views.offers.OffersContract;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real serving node on a loopback port over an {@link InMemoryResponseStore} holding offers v1 (current, caught
 * up, with the spec's example offer), a settable clock, and a real HTTP client.
 */
public final class ServingFixture implements AutoCloseable {
    public static final long NOW_MILLIS = 1_800_000_000_000L;
    public static final long MUG_HASH = 0x0123456789abcdefL;
    /** Computed 5 s before NOW: Age 5. */
    public static final long MUG_COMPUTED_AT_MICROS = (NOW_MILLIS - 5_000) * 1000;

    public final MutableClock clock = new MutableClock(NOW_MILLIS);
    public final InMemoryResponseStore store = new InMemoryResponseStore();
    public final InMemoryResponseStore.Version v1;
    public final ServingNode node;
    public final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    public final int port;

    public ServingFixture() {
        this(Map.of());
    }

    public ServingFixture(Map<String, String> settings) {
        this(settings, null);
    }

    /** @param openTelemetry the node's, or null for the default (GlobalOpenTelemetry, asked only when tracing) */
    public ServingFixture(Map<String, String> settings, OpenTelemetry openTelemetry) {
        node = openTelemetry == null ? new ServingNode(clock) : new ServingNode(clock, openTelemetry);
        v1 = store.add(OffersContract.V1, NOW_MILLIS);
        v1.put(Offers.MUG.key(OffersContract.V1), mugEnvelope());
        Map<String, String> raw = new HashMap<>(Map.of(
                ServingConfig.PORT,
                "0",
                ServingConfig.IO_THREADS,
                "2",
                "view.offers.freshness.objective.ms",
                "10000",
                "view.offers.max.age.seconds",
                "2"));
        raw.putAll(settings);
        port = node.start(store, ServingConfig.of(raw));
    }

    public static byte[] mugEnvelope() {
        return Offers.MUG.envelope(OffersContract.V1, MUG_HASH, MUG_COMPUTED_AT_MICROS);
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> getText(String pathAndQuery, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String pathAndQuery, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(
                b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends raw bytes on a fresh connection and returns everything the server sends until it closes. */
    public String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() {
        node.close();
        store.close();
    }
}
