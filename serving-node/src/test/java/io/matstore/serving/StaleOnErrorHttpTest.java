package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.views.offers.OffersContract;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StaleOnErrorHttpTest {
    private final ServingFixture f = new ServingFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shouldMarkAnswersStaleWhenIngestReportsAnError() throws Exception {
        f.v1.ingestError("broker unreachable");
        f.node.refreshStatus();

        HttpResponse<String> json = f.getText("/v1/views/offers?" + MUG_QUERY, "Accept", "application/json");
        HttpResponse<byte[]> fb = f.get("/v1/views/offers?" + MUG_QUERY);

        assertThat(fb.statusCode()).isEqualTo(200);
        assertThat(fb.body()).isEqualTo(ServingFixture.mugEnvelope());
        assertThat(fb.headers().firstValue("x-matstore-freshness")).hasValue("stale; reason=ingest-error");
        assertThat(json.body()).endsWith("\"stale\":true,\"freshness\":\"ingest-error\"}}");
    }

    @Test
    void shouldMarkAnswersStaleWhenIngestHasNotCaughtUpWithinTheFreshnessObjective() throws Exception {
        f.clock.advance(10_000);
        f.node.refreshStatus();
        assertThat(f.get("/v1/views/offers?" + MUG_QUERY).headers().firstValue("x-matstore-freshness"))
                .hasValue("fresh");

        f.clock.advance(1);
        f.node.refreshStatus();
        HttpResponse<byte[]> r = f.get("/v1/views/offers?" + MUG_QUERY);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-matstore-freshness")).hasValue("stale; reason=lagging");
        assertThat(r.headers().firstValue("age"))
                .as("since ingest was last caught up")
                .hasValue("10");
    }

    @Test
    void shouldBecomeFreshAgainWhenIngestCatchesUp() throws Exception {
        f.v1.ingestError("broker unreachable");
        f.node.refreshStatus();
        f.v1.ingestError(null).lastCaughtUpMillis(f.clock.millis());
        f.node.refreshStatus();

        assertThat(f.get("/v1/views/offers?" + MUG_QUERY).headers().firstValue("x-matstore-freshness"))
                .hasValue("fresh");
    }

    @Test
    void shouldMarkAnswersStaleWhenTheStoreCannotReportItsStatus() throws Exception {
        f.store.statusFails(true);
        f.node.refreshStatus();

        HttpResponse<byte[]> r = f.get("/v1/views/offers?" + MUG_QUERY);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-matstore-freshness")).hasValue("stale; reason=status-unknown");
    }

    @Test
    void shouldServeTheValueOfAnotherHeldVersionMarkedStaleWhenTheCurrentReadFails() throws Exception {
        InMemoryResponseStore.Version v2 = f.store.add(OffersContract.V1.withVersion(2), ServingFixture.NOW_MILLIS);
        f.store.makeCurrent("offers", 2);
        f.node.refreshStatus();
        v2.failing(true);

        HttpResponse<byte[]> fb = f.get("/v1/views/offers?" + MUG_QUERY);
        HttpResponse<String> json = f.getText("/v1/views/offers?" + MUG_QUERY, "Accept", "application/json");

        assertThat(fb.statusCode()).isEqualTo(200);
        assertThat(fb.body()).isEqualTo(ServingFixture.mugEnvelope());
        assertThat(fb.headers().firstValue("x-matstore-view-version")).hasValue("1");
        assertThat(fb.headers().firstValue("x-matstore-freshness")).hasValue("stale; reason=read-error-fallback");
        assertThat(json.body()).endsWith("\"stale\":true,\"freshness\":\"read-error-fallback\"}}");
        assertThat(f.getText("/metrics").body())
                .contains("matstore_store_read_errors_total{view=\"offers\"} 2")
                .contains("matstore_fallback_answers_total{view=\"offers\"} 2");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheReadFailsAndNoOtherVersionIsHeld() throws Exception {
        f.v1.failing(true);

        HttpResponse<String> r = f.getText("/v1/views/offers?" + MUG_QUERY);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(r.body()).contains("\"code\":\"store_unavailable\"");
    }

    @Test
    void shouldRecoverOnceTheStoreReadsAgain() throws Exception {
        f.v1.failing(true);
        assertThat(f.get("/v1/views/offers?" + MUG_QUERY).statusCode()).isEqualTo(503);

        f.v1.failing(false);

        assertThat(f.get("/v1/views/offers?" + MUG_QUERY).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldTreatACorruptEnvelopeLikeAFailedRead() throws Exception {
        f.v1.put(
                io.matstore.schemas.KeyCodec.encode(OffersContract.V1, "BAD", "eu", "EUR", "gold"),
                new byte[] {(byte) 0xff, (byte) 0xff, 0x7f, 0x7f, 1, 2});

        HttpResponse<String> r = f.getText("/v1/views/offers?sku=BAD&region=eu&currency=EUR&tier=gold");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"code\":\"store_unavailable\"");
        assertThat(f.get("/v1/views/offers?" + MUG_QUERY).statusCode()).isEqualTo(200);
    }
}
