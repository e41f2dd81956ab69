package io.matstore.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.views.offers.OffersContract;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QueryKeyTest {
    private final QueryKey q = new QueryKey();
    private final ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);

    private byte[] build(ViewDescriptor view, String query) {
        assertThat(q.scan(query, 0, query.length())).isEqualTo(QueryKey.OK);
        assertThat(q.build(view, key)).isEqualTo(QueryKey.OK);
        byte[] out = new byte[key.remaining()];
        key.get(out);
        return out;
    }

    @Test
    void shouldBuildExactlyTheKeyCodecKeyInDescriptorOrder() {
        assertThat(build(OffersContract.V1, "tier=gold&sku=SKU-1&currency=EUR&region=eu"))
                .isEqualTo(KeyCodec.encode(OffersContract.V1, "SKU-1", "eu", "EUR", "gold"));
    }

    @Test
    void shouldPercentDecodeUtf8AndPlusIntoTheKeyBytes() {
        assertThat(build(OffersContract.V1, "sku=caf%C3%A9+au+lait&region=%26%3D&currency=EUR&tier=gold"))
                .isEqualTo(KeyCodec.encode(OffersContract.V1, "café au lait", "&=", "EUR", "gold"));
    }

    @Test
    void shouldWriteTwoByteLengthsForLongValues() {
        String sku = "s".repeat(300);
        assertThat(build(OffersContract.V1, "sku=" + sku + "&region=eu&currency=EUR&tier=gold"))
                .isEqualTo(KeyCodec.encode(OffersContract.V1, sku, "eu", "EUR", "gold"));
    }

    @Test
    void shouldAcceptRawNonAsciiBytesAsNettyDecodesThemOneCharPerByte() {
        String raw = new String("é".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(build(OffersContract.V1, "sku=" + raw + "&region=eu&currency=EUR&tier=gold"))
                .isEqualTo(KeyCodec.encode(OffersContract.V1, "é", "eu", "EUR", "gold"));
    }

    @Test
    void shouldLeaveTheVersionParameterOutOfTheKeyAndReportIt() {
        String query = "sku=a&region=eu&currency=EUR&tier=gold&version=3";
        assertThat(build(OffersContract.V1, query))
                .isEqualTo(KeyCodec.encode(OffersContract.V1, "a", "eu", "EUR", "gold"));
        assertThat(q.pinnedVersion(false)).isEqualTo(3);
    }

    @Test
    void shouldTreatVersionAsADimensionWhenTheViewHasOne() {
        ViewDescriptor view = ViewDescriptor.of("docs", 1, "id", "version");
        assertThat(build(view, "id=a&version=3")).isEqualTo(KeyCodec.encode(view, "a", "3"));
        assertThat(q.pinnedVersion(true)).isEqualTo(QueryKey.UNPINNED);
    }

    @Test
    void shouldRejectMoreParametersThanTheLimit() {
        String query = "a=1&".repeat(QueryKey.MAX_PARAMETERS + 1);
        assertThat(q.scan(query, 0, query.length())).isEqualTo(QueryKey.TOO_MANY_PARAMETERS);
    }

    @Test
    void shouldRejectATruncatedPercentEscape() {
        String query = "sku=a%4&region=eu&currency=EUR&tier=gold";
        q.scan(query, 0, query.length());
        assertThat(q.build(OffersContract.V1, key)).isEqualTo(QueryKey.BAD_ENCODING);
    }
}
