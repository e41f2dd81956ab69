package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The probe listener answers while the request event loop is stalled: the node's single request loop is stuck in a
 * store read (held by the test), so the request port cannot answer even /healthz, while the probe port answers
 * /healthz, /readyz and /metrics at once.
 */
@Timeout(30)
class ProbeListenerHttpTest {
    private final ServingFixture f =
            new ServingFixture(Map.of(ServingConfig.IO_THREADS, "1", ServingConfig.PROBE_PORT, "0"));
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void close() {
        f.v1.releaseReads();
        f.close();
    }

    @Test
    void shouldAnswerProbesOnTheProbePortWhileTheRequestLoopIsStalled() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        f.v1.holdReads(entered);
        CompletableFuture<HttpResponse<String>> stuck = client.sendAsync(
                HttpRequest.newBuilder(f.uri("/v1/views/offers?" + MUG_QUERY)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> client.send(
                        HttpRequest.newBuilder(f.uri("/healthz"))
                                .timeout(Duration.ofMillis(500))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(probe("/healthz").body()).isEqualTo("{\"status\":\"alive\"}");
        assertThat(probe("/readyz").statusCode()).isEqualTo(200);
        assertThat(probe("/metrics").body()).contains("matstore_ready 1.0");
        assertThat(probe("/v1/views/offers?" + MUG_QUERY).statusCode()).isEqualTo(404);

        f.v1.releaseReads();
        assertThat(stuck.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> probe(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.node.probePort() + path))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
