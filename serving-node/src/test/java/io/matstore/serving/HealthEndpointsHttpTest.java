package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HealthEndpointsHttpTest {
    private final ServingFixture f = new ServingFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shouldSayAliveOnHealthz() throws Exception {
        HttpResponse<String> r = f.getText("/healthz");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"alive\"}");
    }

    @Test
    void shouldBeReadyWhenEveryViewHasAFreshCurrentVersion() throws Exception {
        HttpResponse<String> r = f.getText("/readyz");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ready\":true,\"views\":{\"offers\":\"ready\"}}");
        assertThat(f.node.isReady()).isTrue();
    }

    @Test
    void shouldStayReadyAndSayItIsStaleWhenIngestLagsPastTheObjective() throws Exception {
        f.clock.advance(12_000);
        f.node.refreshStatus();

        HttpResponse<String> r = f.getText("/readyz");

        assertThat(r.statusCode()).as("a stale node can still answer").isEqualTo(200);
        assertThat(r.body())
                .isEqualTo("{\"ready\":true,\"views\":{\"offers\":\"ready, answering stale: version 1"
                        + " ingest last caught up 12000 ms ago (lag 0 records)\"}}");
        assertThat(f.node.isReady()).isTrue();
    }

    @Test
    void shouldStayReadyWhenIngestFailsButNotWhenNoVersionIsHeld() throws Exception {
        f.v1.ingestError("disk full");
        f.node.refreshStatus();
        assertThat(f.getText("/readyz").statusCode()).isEqualTo(200);
        assertThat(f.getText("/readyz").body()).contains("answering stale: version 1 ingest error: disk full");

        f.store.drop("offers", 1);
        f.node.refreshStatus();
        HttpResponse<String> r = f.getText("/readyz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(r.body()).contains("\"offers\":\"no current version held\"");
        assertThat(f.node.isReady()).isFalse();
    }

    @Test
    void shouldExposeRequestsLatencyHitRatioLagAndStaleAnswersInPrometheusFormat() throws Exception {
        f.v1.lag(7);
        f.node.refreshStatus();
        f.get("/v1/views/offers?" + MUG_QUERY);
        f.get("/v1/views/offers?sku=X&region=eu&currency=EUR&tier=gold");
        f.v1.ingestError("x");
        f.node.refreshStatus();
        f.get("/v1/views/offers?" + MUG_QUERY);

        HttpResponse<String> r = f.getText("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(r.body())
                .contains("matstore_http_requests_seconds_count{status=\"200\",view=\"offers\"} 2")
                .contains("matstore_http_requests_seconds_count{status=\"404\",view=\"offers\"} 1")
                .contains("matstore_http_requests_seconds_bucket{status=\"200\",view=\"offers\",le=")
                .contains("matstore_near_cache_hit_ratio{view=\"offers\"} 0.9")
                .contains("matstore_ingest_lag_records{partition=\"0\",version=\"1\",view=\"offers\"} 7")
                .contains("matstore_stale_answers_total{view=\"offers\"} 1")
                .contains("matstore_store_read_errors_total{view=\"offers\"} 0");
    }
}
