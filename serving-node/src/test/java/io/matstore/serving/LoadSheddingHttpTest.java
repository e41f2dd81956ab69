package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LoadSheddingHttpTest {
    private final ServingFixture f = new ServingFixture(Map.of(
            ServingConfig.SHED_MAX_IN_FLIGHT,
            "1",
            ServingConfig.SHED_MAX_REJECTION_RATIO,
            "1.0",
            ServingConfig.RETRY_AFTER_SECONDS,
            "3"));

    @AfterEach
    void close() {
        f.v1.releaseReads();
        f.close();
    }

    @Test
    void shouldShedWith503AndRetryAfterWhileTheInFlightLimitIsReached() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        f.v1.holdReads(entered);
        CompletableFuture<HttpResponse<byte[]>> first = f.client.sendAsync(
                HttpRequest.newBuilder(f.uri("/v1/views/offers?" + MUG_QUERY)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        // a second client: its own connection, on the other event loop
        HttpClient other =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> shed = other.send(
                HttpRequest.newBuilder(f.uri("/v1/views/offers?" + MUG_QUERY)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(shed.statusCode()).isEqualTo(503);
        assertThat(shed.headers().firstValue("retry-after")).hasValue("3");
        assertThat(shed.body()).contains("\"code\":\"overloaded\"");
        assertThat(other.send(HttpRequest.newBuilder(f.uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);

        f.v1.releaseReads();
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(f.getText("/metrics").body()).contains("matstore_shed_requests_total 1");
    }
}
