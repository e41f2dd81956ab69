package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class ErrorResponsesHttpTest {
    private final ServingFixture f = new ServingFixture(Map.of(
            ServingConfig.MAX_BODY_BYTES,
            "1024",
            ServingConfig.MAX_INITIAL_LINE_BYTES,
            "512",
            ServingConfig.MAX_HEADER_BYTES,
            "1024"));

    @AfterEach
    void close() {
        f.close();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "sku=SKU-1&region=eu&currency=EUR&tier=gold&colour=red | unknown_parameter | unknown parameter \\\"colour\\\"; view offers takes [sku, region, currency, tier]",
                "sku=SKU-1&region=eu&currency=EUR | missing_parameter | missing parameter \\\"tier\\\"; view offers takes [sku, region, currency, tier]",
                "sku=SKU-1&region=&currency=EUR&tier=gold | empty_parameter | parameter \\\"region\\\" is empty",
                "sku=SKU-1&region | empty_parameter | parameter \\\"region\\\" is empty",
                "sku=SKU-1&sku=SKU-2&region=eu&currency=EUR&tier=gold | repeated_parameter | parameter \\\"sku\\\" is repeated",
                "sku=SKU-1&region=eu&currency=EUR&tier=gold&version=x | bad_version | parameter \\\"version\\\" must be one positive integer",
                " | missing_parameter | missing parameter \\\"sku\\\"; view offers takes [sku, region, currency, tier]",
            })
    void shouldRejectAMalformedQueryWith400AndAStableCode(String query, String code, String message) throws Exception {
        HttpResponse<String> r = f.getText("/v1/views/offers?" + (query == null ? "" : query));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(r.body())
                .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400," + "\"detail\":\""
                        + message + "\",\"code\":\"" + code + "\"}");
    }

    @Test
    void shouldRejectAMalformedPercentEncodingWith400() throws Exception {
        // java.net.http refuses to send such a URI, so this one goes over a raw socket
        String reply = f.raw("GET /v1/views/offers?sku=SKU%2&region=eu&currency=EUR&tier=gold HTTP/1.1\r\n"
                + "Host: x\r\nConnection: close\r\n\r\n");

        assertThat(reply)
                .startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("\"detail\":\"parameter \\\"sku\\\""
                        + " has a malformed percent-encoding\",\"code\":\"bad_encoding\"}");
    }

    @Test
    void shouldRejectAValueLongerThanTheKeyAllowsWith400() throws Exception {
        ServingFixture wide = new ServingFixture(Map.of(ServingConfig.MAX_INITIAL_LINE_BYTES, "4096"));
        try {
            HttpResponse<String> r =
                    wide.getText("/v1/views/offers?sku=" + "a".repeat(1025) + "&region=eu&currency=EUR&tier=gold");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("\"code\":\"value_too_long\"", "MAX_VALUE_BYTES=1024");
        } finally {
            wide.close();
        }
    }

    @Test
    void shouldAnswer404ForAnUnknownView() throws Exception {
        HttpResponse<String> r = f.getText("/v1/views/fares?route=LHR-JFK");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body())
                .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                        + "\"detail\":\"no view named \\\"fares\\\" is served here\",\"code\":\"unknown_view\"}");
    }

    @Test
    void shouldAnswer404ForAKeyOutsideTheSpace() throws Exception {
        HttpResponse<String> r = f.getText("/v1/views/offers?sku=SKU-404&region=eu&currency=EUR&tier=gold");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"code\":\"not_found\"");
    }

    @Test
    void shouldAnswer404ForAnUnknownPath() throws Exception {
        assertThat(f.getText("/v2/nothing").statusCode()).isEqualTo(404);
        assertThat(f.getText("/v1/views/offers/other?" + MUG_QUERY).body()).contains("\"code\":\"unknown_path\"");
    }

    @Test
    void shouldAnswer405WithAllowForAWrongMethod() throws Exception {
        HttpResponse<String> post = f.post("/v1/views/offers?" + MUG_QUERY, "");
        HttpResponse<String> getBatch = f.getText("/v1/views/offers/batch");

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(post.body()).contains("\"code\":\"method_not_allowed\"");
        assertThat(getBatch.statusCode()).isEqualTo(405);
        assertThat(getBatch.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void shouldAnswer406WhenNeitherRenderingIsAcceptable() throws Exception {
        HttpResponse<String> r = f.getText("/v1/views/offers?" + MUG_QUERY, "Accept", "text/html");

        assertThat(r.statusCode()).isEqualTo(406);
        assertThat(r.body()).contains("\"code\":\"not_acceptable\"");
    }

    @Test
    void shouldAnswer414ForATooLongRequestLineAndKeepServing() throws Exception {
        HttpResponse<String> r =
                f.getText("/v1/views/offers?sku=" + "a".repeat(600) + "&region=eu&currency=EUR&tier=gold");

        assertThat(r.statusCode()).isEqualTo(414);
        assertThat(r.body())
                .endsWith("\"status\":414,\"detail\":\"request line > serving.max.initial.line.bytes=512\","
                        + "\"code\":\"uri_too_long\"}");
        assertThat(f.get("/v1/views/offers?" + MUG_QUERY).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer431ForTooLargeHeadersAndKeepServing() throws Exception {
        HttpResponse<String> r = f.getText("/v1/views/offers?" + MUG_QUERY, "X-Padding", "p".repeat(2000));

        assertThat(r.statusCode()).isEqualTo(431);
        assertThat(r.body()).contains("\"code\":\"headers_too_large\"", "serving.max.header.bytes=1024");
        assertThat(f.get("/v1/views/offers?" + MUG_QUERY).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer413ForATooLargeBodyAndKeepServing() throws Exception {
        HttpResponse<String> r = f.post("/v1/views/offers/batch", (MUG_QUERY + "\n").repeat(60));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"code\":\"body_too_large\"", "serving.max.body.bytes=1024");
        assertThat(f.get("/v1/views/offers?" + MUG_QUERY).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer400ForGarbageAndCloseTheConnection() throws Exception {
        String reply = f.raw("NOT-HTTP\r\n\r\n");

        assertThat(reply)
                .startsWith("HTTP/1.1 400 Bad Request\r\n")
                .contains("Connection: close", "\"code\":\"malformed_request\"");
        assertThat(f.get("/v1/views/offers?" + MUG_QUERY).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenNoCurrentVersionIsHeld() throws Exception {
        f.store.drop("offers", 1);
        f.node.refreshStatus();

        HttpResponse<String> r = f.getText("/v1/views/offers?" + MUG_QUERY);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(r.body()).contains("\"code\":\"not_ready\"");
    }

    @Test
    void shouldAnswer408AndCloseWhenARequestStopsArrivingHalfway() throws Exception {
        ServingFixture slow = new ServingFixture(Map.of(ServingConfig.READ_TIMEOUT_MS, "200"));
        try {
            String reply = slow.raw("GET /v1/views/offers?" + MUG_QUERY + " HTTP/1.1\r\nHost: x\r\n");

            assertThat(reply)
                    .startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .contains("Connection: close", "\"code\":\"request_timeout\"");
            assertThat(slow.get("/v1/views/offers?" + MUG_QUERY).statusCode()).isEqualTo(200);
        } finally {
            slow.close();
        }
    }
}
