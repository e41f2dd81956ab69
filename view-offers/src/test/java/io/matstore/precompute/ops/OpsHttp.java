package io.matstore.precompute.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;

/** Test helper: requests to an ops endpoint, and samples read out of a Prometheus scrape. */
public final class OpsHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private OpsHttp() {}

    public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send("GET", url);
    }

    public static HttpResponse<String> send(String method, String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The status of {@code GET url}, or -1 when nothing answers. */
    public static int status(String url) throws InterruptedException {
        try {
            return get(url).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The value of the first sample {@code name{...}} whose labels include {@code labels} ({@code view="offers"}). */
    public static OptionalDouble sample(String scrape, String name, String... labels) {
        return scrape.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> {
                    for (String label : labels) {
                        if (!l.substring(0, l.lastIndexOf(' ')).contains(label)) {
                            return false;
                        }
                    }
                    return true;
                })
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst();
    }
}
