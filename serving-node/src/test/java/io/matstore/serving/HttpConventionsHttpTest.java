package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** HEAD, problem details, one strong ETag per representation, Accept quality values; a real node on a socket. */
@Timeout(30)
class HttpConventionsHttpTest {
    private static final String MUG = "/v1/views/offers?" + MUG_QUERY;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServingFixture f = new ServingFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-flatbuffers", "application/json"})
    void shouldAnswerHeadOnAViewWithTheHeadersOfGetAndNoBody(String accept) throws Exception {
        HttpResponse<byte[]> get = f.get(MUG, "Accept", accept);

        String head =
                f.raw("HEAD " + MUG + " HTTP/1.1\r\nHost: x\r\nAccept: " + accept + "\r\nConnection: close\r\n\r\n");

        assertThat(head)
                .startsWith("HTTP/1.1 200 OK\r\n")
                .endsWith("\r\n\r\n")
                .contains("Content-Length: " + get.body().length + "\r\n")
                .contains("ETag: " + get.headers().firstValue("etag").orElseThrow() + "\r\n")
                .contains("Content-Type: " + accept + "\r\n", "Age: 0\r\n", "X-Matstore-Freshness: fresh\r\n");
    }

    @Test
    void shouldKeepAPipelinedConnectionInStepAfterAHeadWithoutBody() throws Exception {
        String replies = f.raw("HEAD " + MUG + " HTTP/1.1\r\nHost: x\r\n\r\n"
                + "HEAD /v1/views/offers?sku=NONE&region=eu&currency=EUR&tier=gold HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        String[] parts = replies.split("HTTP/1.1 ", -1);
        assertThat(parts).hasSize(4);
        assertThat(parts[1]).startsWith("200 OK").endsWith("\r\n\r\n");
        assertThat(parts[2])
                .startsWith("404 Not Found")
                .contains("application/problem+json")
                .endsWith("\r\n\r\n");
        assertThat(parts[3]).startsWith("200 OK").endsWith("{\"status\":\"alive\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/healthz", "/readyz", "/metrics", "/v1/cluster"})
    void shouldAnswerHeadOnEveryProbeAndTheClusterRoute(String path) throws Exception {
        String get = f.raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String head = f.raw("HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        String status = get.substring(0, get.indexOf("\r\n"));
        assertThat(head).startsWith(status + "\r\n").endsWith("\r\n\r\n").contains("Content-Length: ");
    }

    @Test
    void shouldAllowGetAndHeadOnlyOnAView() throws Exception {
        String reply = f.raw("PUT " + MUG + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        assertThat(reply).startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("Allow: GET, HEAD\r\n");
    }

    @Test
    void shouldAnswerErrorsAsProblemDetailsWithTheStableCode() throws Exception {
        HttpResponse<String> r = f.getText("/v1/views/offers?sku=NONE&region=eu&currency=EUR&tier=gold");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.path("type").asText()).isEqualTo("about:blank");
        assertThat(problem.path("title").asText()).isEqualTo("Not Found");
        assertThat(problem.path("status").asInt()).isEqualTo(404);
        assertThat(problem.path("code").asText()).isEqualTo("not_found");
        assertThat(problem.path("detail").asText()).isEqualTo("no value for this key in view offers version 1");
    }

    @Test
    void shouldGiveTheJsonAndFlatBuffersRepresentationsDifferentStrongETags() throws Exception {
        String fbTag = f.get(MUG).headers().firstValue("etag").orElseThrow();
        String jsonTag = f.get(MUG, "Accept", "application/json")
                .headers()
                .firstValue("etag")
                .orElseThrow();

        assertThat(fbTag).isEqualTo("\"0123456789abcdef\"");
        assertThat(jsonTag).isEqualTo("\"0123456789abcdef-json\"");
        assertThat(f.get(MUG, "Accept", "application/json", "If-None-Match", jsonTag)
                        .statusCode())
                .isEqualTo(304);
        assertThat(f.get(MUG, "If-None-Match", fbTag).statusCode()).isEqualTo(304);
        assertThat(f.get(MUG, "Accept", "application/json", "If-None-Match", fbTag)
                        .statusCode())
                .as("the FlatBuffers tag does not validate the JSON body")
                .isEqualTo(200);
        assertThat(f.get(MUG, "If-None-Match", jsonTag).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldChangeTheJsonETagWhenTheFreshnessInItsBodyChanges() throws Exception {
        String freshTag = f.get(MUG, "Accept", "application/json")
                .headers()
                .firstValue("etag")
                .orElseThrow();
        f.v1.ingestError("broker unreachable");
        f.node.refreshStatus();

        HttpResponse<String> r = f.getText(MUG, "Accept", "application/json", "If-None-Match", freshTag);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"freshness\":\"ingest-error\"");
        assertThat(r.headers().firstValue("etag")).hasValue("\"0123456789abcdef-json-ingest-error\"");
        assertThat(f.get(MUG).headers().firstValue("etag"))
                .as("FlatBuffers bytes did not change")
                .hasValue("\"0123456789abcdef\"");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "application/json;q=0.9, application/x-flatbuffers;q=0.1 | application/json",
                "application/x-flatbuffers;q=0.2, application/json        | application/json",
                "application/json;q=0, */*                                 | application/x-flatbuffers",
                "*/*;q=0.1, application/json;q=0.5                         | application/json",
                "application/*;q=0.8, application/x-flatbuffers;q=0.3      | application/json",
                "application/json, application/x-flatbuffers               | application/json",
                "text/html, */*;q=0.8                                      | application/x-flatbuffers",
            })
    void shouldHonourAcceptQualityValues(String accept, String expected) throws Exception {
        HttpResponse<byte[]> r = f.get(MUG, "Accept", accept);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(expected);
    }

    @Test
    void shouldAnswer406WhenEveryRepresentationHasQualityZero() throws Exception {
        HttpResponse<String> r = f.getText(MUG, "Accept", "application/json;q=0, application/x-flatbuffers;q=0.000");
        HttpResponse<String> batch = f.post("/v1/views/offers/batch", MUG_QUERY, "Accept", "application/json;q=0, */*");

        assertThat(r.statusCode()).isEqualTo(406);
        assertThat(r.body()).contains("\"code\":\"not_acceptable\"");
        assertThat(batch.statusCode()).isEqualTo(406);
    }
}
