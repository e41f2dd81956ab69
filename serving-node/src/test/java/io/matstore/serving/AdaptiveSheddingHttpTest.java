package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adaptive limit on a real node: a slow answer (a store read held past the latency target) halves it, and the
 * node then sheds at the lower limit, where the static ceiling (8) would still admit.
 */
@Timeout(30)
class AdaptiveSheddingHttpTest {
    private final ServingFixture f = new ServingFixture(Map.of(
            ServingConfig.SHED_LIMIT,
            "adaptive",
            ServingConfig.SHED_MAX_IN_FLIGHT,
            "8",
            ServingConfig.SHED_MIN_LIMIT,
            "1",
            ServingConfig.SHED_LATENCY_TARGET_MS,
            "1",
            ServingConfig.SHED_BACKOFF,
            "0.5",
            ServingConfig.SHED_MAX_REJECTION_RATIO,
            "1.0"));

    @AfterEach
    void close() {
        f.v1.releaseReads();
        f.close();
    }

    @Test
    void shouldLowerTheLimitAfterASlowAnswerAndShedAtIt() throws Exception {
        assertThat(f.getText("/metrics").body()).contains("matstore_shed_limit 2.0"); // a quarter of 8

        slowAnswer();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> f.getText("/metrics").body().contains("matstore_in_flight 0.0"));
        assertThat(f.getText("/metrics").body()).contains("matstore_shed_limit 1.0");

        // two connections accepted one after the other: on the two event loops, so the held read blocks only one
        try (Socket first = new Socket("127.0.0.1", f.port);
                Socket second = new Socket("127.0.0.1", f.port)) {
            CountDownLatch entered = new CountDownLatch(1);
            f.v1.holdReads(entered);
            send(first);
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            send(second);

            assertThat(new String(second.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 503")
                    .contains("overloaded");
            f.v1.releaseReads();
            assertThat(new String(first.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 200");
        }
    }

    private static void send(Socket s) throws Exception {
        s.setSoTimeout(10_000);
        s.getOutputStream()
                .write(("GET /v1/views/offers?" + MUG_QUERY + " HTTP/1.1\r\nHost: n\r\n" + "Connection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** One answer held in the store until well past the 1 ms target. */
    private void slowAnswer() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        f.v1.holdReads(entered);
        CompletableFuture<HttpResponse<String>> r = f.client.sendAsync(
                HttpRequest.newBuilder(f.uri("/v1/views/offers?" + MUG_QUERY)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        // the read is held from here: the answer takes longer than this client-side wait, which exceeds the target
        assertThat(r.completeOnTimeout(null, 20, TimeUnit.MILLISECONDS).get()).isNull();
        f.v1.releaseReads();
        assertThat(f.client
                        .sendAsync(
                                HttpRequest.newBuilder(f.uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                        .get(10, TimeUnit.SECONDS)
                        .statusCode())
                .isEqualTo(200);
    }
}
