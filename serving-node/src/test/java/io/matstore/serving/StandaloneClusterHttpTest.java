package io.matstore.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A standalone node (no cluster.name) describes itself in /v1/cluster as the one cell "local", generation 1. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StandaloneClusterHttpTest {
    private final ServingFixture f = new ServingFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shouldDescribeItselfAsTheSingleCellLocalOwningWhatItHolds() throws Exception {
        HttpResponse<String> r = f.getText("/v1/cluster");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(r.body())
                .isEqualTo("{\"cluster\":\"\",\"generation\":1,\"views\":{\"offers\":{\"version\":1,"
                        + "\"topic\":\"view.offers.v1\",\"partitions\":1,\"partitioner\":\"kafka-murmur2\","
                        + "\"dimensions\":[\"sku\",\"region\",\"currency\",\"tier\"],\"owners\":[{\"partition\":0,"
                        + "\"cell\":\"local\",\"nodes\":[{\"node\":\"cell-1-127.0.0.1-" + f.port + "\",\"url\":"
                        + "\"http://127.0.0.1:" + f.port + "\",\"ready\":true,\"loaded\":true}]}]}}}");
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertThat(f.getText("/v1/cluster", "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void shouldNeverAnswer421WhenItHoldsEveryPartition() throws Exception {
        assertThat(f.getText("/v1/views/offers?" + Offers.MUG_QUERY).statusCode())
                .isEqualTo(200);
        assertThat(f.getText("/v1/views/offers?sku=OTHER&region=eu&currency=EUR&tier=gold")
                        .statusCode())
                .isEqualTo(404);
    }
}
