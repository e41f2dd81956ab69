package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_JSON;
import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.views.offers.OffersContract;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ViewLookupHttpTest {
    private final ServingFixture f = new ServingFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shouldAnswerTheStoredEnvelopeBytesAsFlatBuffersByDefault() throws Exception {
        HttpResponse<byte[]> r = f.get("/v1/views/offers?" + MUG_QUERY);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/x-flatbuffers");
        assertThat(r.body()).isEqualTo(ServingFixture.mugEnvelope());
    }

    @Test
    void shouldRenderJsonExactlyAsTheViewSpecSaysWithMetaAndAgreeWithTheFlatBuffers() throws Exception {
        HttpResponse<String> json = f.getText("/v1/views/offers?" + MUG_QUERY, "Accept", "application/json");
        HttpResponse<byte[]> fb = f.get("/v1/views/offers?" + MUG_QUERY, "Accept", "application/x-flatbuffers");

        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(json.body())
                .isEqualTo(MUG_JSON + ",\"_meta\":{\"view\":\"offers\",\"version\":1,"
                        + "\"computed_at_micros\":" + ServingFixture.MUG_COMPUTED_AT_MICROS
                        + ",\"etag\":\"0123456789abcdef\",\"stale\":false,\"freshness\":\"fresh\"}}");
        OfferResponse o = OfferResponse.getRootAsOfferResponse(
                ByteBuffer.wrap(ResponseEnvelopes.responseBytes(ResponseEnvelopes.open(fb.body()))));
        assertThat(json.body())
                .contains(
                        "\"sku\":\"" + o.sku() + "\"",
                        "\"price_minor\":" + o.priceMinor(),
                        "\"quantity\":" + o.quantity(),
                        "\"in_stock\":" + o.inStock(),
                        "\"title\":\"" + o.title() + "\"");
        assertThat(json.headers().firstValue("etag"))
                .as("a strong tag per representation")
                .hasValue("\"0123456789abcdef-json\"");
    }

    @Test
    void shouldEscapeJsonStringsAndRenderAbsentFieldsAsDefaults() throws Exception {
        Offers.Offer odd = new Offers.Offer(
                "S\"1", "eu", "EUR", "standard", "Tab\tNew\nline \\ \u0001 é", "", 0, 0, "", 0, 0, false);
        f.v1.put(odd.key(OffersContract.V1), odd.envelope(OffersContract.V1, 7, 0));

        HttpResponse<String> r = f.getText(
                "/v1/views/offers?sku=S%221&region=eu&currency=EUR&tier=standard", "Accept", "application/json");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .startsWith("{\"sku\":\"S\\\"1\",\"region\":\"eu\",\"currency\":\"EUR\","
                        + "\"tier\":\"standard\",\"title\":\"Tab\\tNew\\nline \\\\ \\u0001 é\",\"category\":\"\","
                        + "\"price_minor\":0,\"minor_units\":0,\"promo_id\":\"\",\"percent_off\":0,\"quantity\":0,"
                        + "\"in_stock\":false,\"_meta\"");
    }

    @Test
    void shouldBuildTheSameKeyWhateverTheParameterOrderAndPercentEncoding() throws Exception {
        HttpResponse<byte[]> r = f.get("/v1/views/offers?tier=gold&currency=EUR&region=%65u&sku=SKU%2d1");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(ServingFixture.mugEnvelope());
    }

    @Test
    void shouldSendCachingAndFreshnessHeaders() throws Exception {
        HttpResponse<byte[]> r = f.get("/v1/views/offers?" + MUG_QUERY);

        assertThat(r.headers().firstValue("etag")).hasValue("\"0123456789abcdef\"");
        assertThat(r.headers().firstValue("cache-control"))
                .hasValue("max-age=2, stale-while-revalidate=30, stale-if-error=600");
        assertThat(r.headers().firstValue("age"))
                .as("0 while caught up, though computed 5 s ago")
                .hasValue("0");
        assertThat(r.headers().firstValue("x-matstore-view-version")).hasValue("1");
        assertThat(r.headers().firstValue("x-matstore-freshness")).hasValue("fresh");
        assertThat(r.headers().firstValue("x-matstore-computed-at-micros"))
                .hasValue(Long.toString(ServingFixture.MUG_COMPUTED_AT_MICROS));
        assertThat(r.headers().firstValue("vary")).hasValue("Accept");
    }

    @Test
    void shouldAnswerNotModifiedWhenIfNoneMatchNamesTheCurrentETag() throws Exception {
        HttpResponse<byte[]> r =
                f.get("/v1/views/offers?" + MUG_QUERY, "If-None-Match", "\"ffff000000000000\", W/\"0123456789abcdef\"");

        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("etag")).hasValue("\"0123456789abcdef\"");
        assertThat(r.headers().firstValue("age")).hasValue("0");

        HttpResponse<byte[]> changed = f.get("/v1/views/offers?" + MUG_QUERY, "If-None-Match", "\"ffff000000000000\"");
        assertThat(changed.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerAPinnedVersionWhileHeldAndTheCurrentOneOtherwise() throws Exception {
        InMemoryResponseStore.Version v2 = f.store.add(OffersContract.V1.withVersion(2), ServingFixture.NOW_MILLIS);
        v2.put(
                Offers.MUG.key(OffersContract.V1.withVersion(2)),
                Offers.MUG.envelope(OffersContract.V1.withVersion(2), 42, ServingFixture.MUG_COMPUTED_AT_MICROS));
        f.store.makeCurrent("offers", 2);
        f.node.refreshStatus();

        HttpResponse<byte[]> unpinned = f.get("/v1/views/offers?" + MUG_QUERY);
        HttpResponse<byte[]> pinnedByQuery = f.get("/v1/views/offers?" + MUG_QUERY + "&version=1");
        HttpResponse<byte[]> pinnedByHeader = f.get("/v1/views/offers?" + MUG_QUERY, "X-Matstore-Pin-Version", "1");
        HttpResponse<String> notHeld = f.getText("/v1/views/offers?" + MUG_QUERY + "&version=7");

        assertThat(unpinned.headers().firstValue("x-matstore-view-version")).hasValue("2");
        assertThat(envelopeVersion(unpinned.body())).isEqualTo(2);
        assertThat(pinnedByQuery.headers().firstValue("x-matstore-view-version"))
                .hasValue("1");
        assertThat(pinnedByQuery.body()).isEqualTo(ServingFixture.mugEnvelope());
        assertThat(pinnedByHeader.headers().firstValue("x-matstore-view-version"))
                .hasValue("1");
        assertThat(notHeld.statusCode()).isEqualTo(404);
        assertThat(notHeld.body()).contains("\"code\":\"version_not_held\"");
    }

    @Test
    void shouldGrowTheBufferForEnvelopesLargerThanTheFirstGuess() throws Exception {
        String title = "x".repeat(5000);
        Offers.Offer big = new Offers.Offer("BIG", "eu", "EUR", "gold", title, "c", 1, 2, "", 0, 0, false);
        byte[] envelope = big.envelope(OffersContract.V1, 9, 0);
        f.v1.put(big.key(OffersContract.V1), envelope);

        HttpResponse<byte[]> fb = f.get("/v1/views/offers?sku=BIG&region=eu&currency=EUR&tier=gold");
        HttpResponse<String> json =
                f.getText("/v1/views/offers?sku=BIG&region=eu&currency=EUR&tier=gold", "Accept", "application/json");

        assertThat(fb.body()).isEqualTo(envelope);
        assertThat(json.body()).contains("\"title\":\"" + title + "\"");
    }

    @Test
    void shouldServeManyRequestsOnOneKeepAliveConnection() throws Exception {
        String request = "GET /v1/views/offers?" + MUG_QUERY + " HTTP/1.1\r\nHost: x\r\n\r\n";
        String last = "GET /v1/views/offers?" + MUG_QUERY + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

        String all = f.raw(request.repeat(3) + last);

        assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(5);
        assertThat(all).contains("Connection: close");
        assertThat(new String(ServingFixture.mugEnvelope(), StandardCharsets.ISO_8859_1))
                .isSubstringOf(all);
    }

    private static int envelopeVersion(byte[] envelope) {
        ResponseEnvelope e = ResponseEnvelopes.open(envelope);
        return e.viewVersion();
    }
}
