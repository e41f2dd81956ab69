package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_JSON;
import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.matstore.schemas.fb.BatchAnswer;
import io.matstore.schemas.fb.BatchItem;
import io.matstore.views.offers.OffersContract;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class BatchLookupHttpTest {
    private static final String META = ",\"_meta\":{\"view\":\"offers\",\"version\":1,\"computed_at_micros\":"
            + ServingFixture.MUG_COMPUTED_AT_MICROS + ",\"etag\":\"0123456789abcdef\",\"stale\":false,"
            + "\"freshness\":\"fresh\"}}";

    private final ServingFixture f = new ServingFixture(Map.of(ServingConfig.BATCH_MAX_ITEMS, "3"));

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shouldAnswerEveryLineInOrderWithItsOwnStatus() throws Exception {
        HttpResponse<String> r = f.post(
                "/v1/views/offers/batch", MUG_QUERY + "\r\n?sku=NOPE&region=eu&currency=EUR&tier=gold\n\nsku=SKU-1\n");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body())
                .isEqualTo("{\"view\":\"offers\",\"version\":1,\"items\":["
                        + "{\"status\":200,\"value\":" + MUG_JSON + META + "},"
                        + "{\"status\":404,\"error\":{\"code\":\"not_found\",\"message\":\"no value for this key in view"
                        + " offers version 1\"}},"
                        + "{\"status\":400,\"error\":{\"code\":\"missing_parameter\",\"message\":\"missing parameter"
                        + " \\\"region\\\"; view offers takes [sku, region, currency, tier]\"}}]}");
    }

    @Test
    void shouldAnswerInBinaryWithTheStoredEnvelopesWhenAcceptPrefersFlatBuffers() throws Exception {
        HttpResponse<byte[]> r = postBytes(
                "/v1/views/offers/batch",
                MUG_QUERY + "\nsku=NOPE&region=eu&currency=EUR&tier=gold\nsku=SKU-1\n",
                "Accept",
                "application/x-flatbuffers, application/json;q=0.5");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/x-flatbuffers");
        ByteBuffer body = ByteBuffer.wrap(r.body());
        assertThat(BatchAnswer.BatchAnswerBufferHasIdentifier(body)).isTrue();
        BatchAnswer answer = BatchAnswer.getRootAsBatchAnswer(body);
        assertThat(answer.view()).isEqualTo("offers");
        assertThat(answer.version()).isEqualTo(1);
        assertThat(answer.itemsLength()).isEqualTo(3);

        BatchItem found = answer.items(0);
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.errorCode()).isNull();
        byte[] envelope = new byte[found.envelopeLength()];
        found.envelopeAsByteBuffer().get(envelope);
        assertThat(envelope)
                .isEqualTo(f.get("/v1/views/offers?" + MUG_QUERY, "Accept", "application/x-flatbuffers")
                        .body())
                .isEqualTo(ServingFixture.mugEnvelope());
        assertThat(found.envelopeAsResponseEnvelope().viewName()).isEqualTo("offers");

        assertThat(answer.items(1).status()).isEqualTo(404);
        assertThat(answer.items(1).errorCode()).isEqualTo("not_found");
        assertThat(answer.items(1).envelopeLength()).isZero();
        assertThat(answer.items(2).status()).isEqualTo(400);
        assertThat(answer.items(2).errorCode()).isEqualTo("missing_parameter");
        assertThat(answer.items(2).errorMessage()).startsWith("missing parameter \"region\"");
    }

    @Test
    void shouldLayOutTheBinaryAnswerSoThatStockFlatcDecodesIt(@TempDir Path dir) throws Exception {
        HttpResponse<byte[]> r = postBytes(
                "/v1/views/offers/batch",
                MUG_QUERY + "\nsku=NOPE&region=eu&currency=EUR&tier=gold\n",
                "Accept",
                "application/x-flatbuffers");
        // the nested envelope's 8-byte fields are aligned only if its first byte is (from the answer's start)
        assertThat(BatchAnswer.getRootAsBatchAnswer(ByteBuffer.wrap(r.body()))
                                .items(0)
                                .envelopeAsByteBuffer()
                                .position()
                        % 8)
                .isZero();

        Path flatc = Path.of("../schemas/target/flatc/bin/flatc");
        assumeTrue(Files.isExecutable(flatc), "flatc is unpacked by the schemas module's build");
        Path schemas = Path.of("../schemas/src/main/flatbuffers");
        Files.write(dir.resolve("answer.bin"), r.body());
        Process p = new ProcessBuilder(
                        flatc.toString(),
                        "--json",
                        "--strict-json",
                        "--raw-binary",
                        "-I",
                        schemas.toString(),
                        "-o",
                        dir.toString(),
                        schemas.resolve("batch.fbs").toString(),
                        "--",
                        dir.resolve("answer.bin").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(Files.readString(dir.resolve("answer.json")).replaceAll("\\s+", ""))
                .contains("\"view\":\"offers\",\"version\":1,")
                .contains("\"status\":200,\"envelope\":{\"view_name\":\"offers\",\"view_version\":1,")
                .contains("\"status\":404,\"error_code\":\"not_found\",\"error_message\":\"novalueforthiskey");
    }

    @Test
    void shouldAnswerValuesLargerThanTheRoomReservedForThemWhole() throws Exception {
        Offers.Offer big = new Offers.Offer(
                "SKU-BIG", "eu", "EUR", "gold", "x".repeat(40_000), "kitchen", 1, 2, "P-1", 0, 1, true);
        byte[] bigEnvelope = big.envelope(OffersContract.V1, 7, ServingFixture.MUG_COMPUTED_AT_MICROS);
        f.v1.put(big.key(OffersContract.V1), bigEnvelope);
        String bigQuery = "sku=SKU-BIG&region=eu&currency=EUR&tier=gold";
        String body = bigQuery + "\n" + MUG_QUERY + "\n" + bigQuery;

        BatchAnswer binary = BatchAnswer.getRootAsBatchAnswer(
                ByteBuffer.wrap(postBytes("/v1/views/offers/batch", body, "Accept", "application/x-flatbuffers")
                        .body()));
        HttpResponse<String> json = f.post("/v1/views/offers/batch", body);

        assertThat(binary.itemsLength()).isEqualTo(3);
        assertThat(envelope(binary.items(0))).isEqualTo(bigEnvelope);
        assertThat(envelope(binary.items(1))).isEqualTo(ServingFixture.mugEnvelope());
        assertThat(envelope(binary.items(2))).isEqualTo(bigEnvelope);
        assertThat(json.body())
                .startsWith(
                        "{\"view\":\"offers\",\"version\":1,\"items\":[{\"status\":200,\"value\":{\"sku\":\"SKU-BIG\"")
                .contains("{\"status\":200,\"value\":" + MUG_JSON + META + "},")
                .endsWith("\"freshness\":\"fresh\"}}}]}");
        assertThat(json.body().split("x".repeat(40_000), -1)).hasSize(3);
    }

    private static byte[] envelope(BatchItem item) {
        assertThat(item.status()).isEqualTo(200);
        byte[] bytes = new byte[item.envelopeLength()];
        item.envelopeAsByteBuffer().get(bytes);
        return bytes;
    }

    @Test
    void shouldStayJsonWithoutAnExplicitFlatBuffersAccept() throws Exception {
        assertThat(f.post("/v1/views/offers/batch", MUG_QUERY, "Accept", "*/*")
                        .headers()
                        .firstValue("content-type"))
                .hasValue("application/json");
        assertThat(f.post(
                                "/v1/views/offers/batch",
                                MUG_QUERY,
                                "Accept",
                                "application/json, application/x-flatbuffers;q=0.5")
                        .headers()
                        .firstValue("content-type"))
                .hasValue("application/json");
    }

    private HttpResponse<byte[]> postBytes(String path, String body, String... headers) throws Exception {
        return f.client.send(
                HttpRequest.newBuilder(f.uri(path))
                        .timeout(Duration.ofSeconds(10))
                        .headers(headers)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void shouldRejectMoreItemsThanTheLimitWith413() throws Exception {
        HttpResponse<String> r = f.post("/v1/views/offers/batch", (MUG_QUERY + "\n").repeat(4));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body())
                .isEqualTo(
                        "{\"type\":\"about:blank\",\"title\":\"Request Entity Too Large\","
                                + "\"status\":413,\"detail\":\"items=4 > serving.batch.max.items=3\",\"code\":\"too_many_items\"}");
    }

    @Test
    void shouldAnswerABatchFromAPinnedVersion() throws Exception {
        f.store.add(OffersContract.V1.withVersion(2), ServingFixture.NOW_MILLIS);
        f.store.makeCurrent("offers", 2);
        f.node.refreshStatus();

        HttpResponse<String> pinned = f.post("/v1/views/offers/batch?version=1", MUG_QUERY);
        HttpResponse<String> current = f.post("/v1/views/offers/batch", MUG_QUERY);

        assertThat(pinned.body()).startsWith("{\"view\":\"offers\",\"version\":1,\"items\":[{\"status\":200");
        assertThat(current.body()).startsWith("{\"view\":\"offers\",\"version\":2,\"items\":[{\"status\":404");
    }

    @Test
    void shouldFallBackPerItemWhenTheReadFails() throws Exception {
        InMemoryResponseStore.Version v2 = f.store.add(OffersContract.V1.withVersion(2), ServingFixture.NOW_MILLIS);
        f.store.makeCurrent("offers", 2);
        f.node.refreshStatus();
        v2.failing(true);

        HttpResponse<String> r = f.post("/v1/views/offers/batch", MUG_QUERY);

        assertThat(r.body())
                .startsWith("{\"view\":\"offers\",\"version\":2,\"items\":[{\"status\":200,\"value\":" + MUG_JSON)
                .contains("\"stale\":true,\"freshness\":\"read-error-fallback\"");
    }

    @Test
    void shouldAnswer100ContinueBeforeTheBodyWhenAsked() throws Exception {
        String body = MUG_QUERY + "\n";
        String head = "POST /v1/views/offers/batch HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", f.port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] interim = new byte["HTTP/1.1 100 Continue\r\n\r\n".length()];
            new java.io.DataInputStream(s.getInputStream()).readFully(interim);
            assertThat(new String(interim, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");

            s.getOutputStream().write(body.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 200 OK").contains("{\"status\":200,\"value\":" + MUG_JSON);
        }
    }
}
