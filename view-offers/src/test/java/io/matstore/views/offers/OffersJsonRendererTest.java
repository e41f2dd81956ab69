package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Both versions of the offers response through the one renderer: v1 exactly as before, v2 with its list price. */
class OffersJsonRendererTest {
    /** The example of docs/views/offers.md, without its closing brace. */
    private static final String MUG_JSON = "{\"sku\":\"SKU-1\",\"region\":\"eu\",\"currency\":\"EUR\","
            + "\"tier\":\"gold\",\"title\":\"Mug\",\"category\":\"kitchen\",\"price_minor\":1022,"
            + "\"minor_units\":2,\"promo_id\":\"P-9\",\"percent_off\":10,\"quantity\":3,\"in_stock\":true";

    private final OffersJsonRenderer renderer = new OffersJsonRenderer();

    /** Renders a response placed after some unrelated bytes, as it lies inside an envelope. */
    private String render(byte[] response) {
        ByteBuf src = Unpooled.buffer();
        src.writeBytes(new byte[] {9, 9, 9, 9, 9, 9, 9});
        int start = src.writerIndex();
        src.writeBytes(response);
        ByteBuf out = Unpooled.buffer();
        renderer.renderFields(src, start, out);
        return out.toString(StandardCharsets.UTF_8) + "}";
    }

    private static byte[] mug(OfferResponseWriter writer, long listPriceMinor) {
        return writer.write("SKU-1", "eu", "EUR", "gold", "Mug", "kitchen", 1022, 2, "P-9", 10, 3, listPriceMinor);
    }

    @Test
    void shouldRenderVersion1ExactlyAsTheSpecExample() {
        assertThat(render(mug(new OfferResponseWriter(OffersContract.V1), 1195)))
                .isEqualTo(MUG_JSON + "}");
    }

    @Test
    void shouldRenderListPriceRightAfterPriceInVersion2() {
        assertThat(render(mug(new OfferResponseWriter(OffersContract.V2), 1195)))
                .isEqualTo(
                        "{\"sku\":\"SKU-1\",\"region\":\"eu\",\"currency\":\"EUR\",\"tier\":\"gold\",\"title\":\"Mug\","
                                + "\"category\":\"kitchen\",\"price_minor\":1022,\"list_price_minor\":1195,\"minor_units\":2,"
                                + "\"promo_id\":\"P-9\",\"percent_off\":10,\"quantity\":3,\"in_stock\":true}");
    }

    @Test
    void shouldRenderAZeroListPriceOfVersion2() {
        byte[] free = new OfferResponseWriter(OffersContract.V2)
                .write("S", "us", "USD", "standard", "", "", 0, 2, "", 0, 0, 0);
        assertThat(render(free))
                .isEqualTo("{\"sku\":\"S\",\"region\":\"us\",\"currency\":\"USD\",\"tier\":\"standard\","
                        + "\"title\":\"\",\"category\":\"\",\"price_minor\":0,\"list_price_minor\":0,\"minor_units\":2,"
                        + "\"promo_id\":\"\",\"percent_off\":0,\"quantity\":0,\"in_stock\":false}");
    }

    @Test
    void shouldEscapeQuotesBackslashesAndControlCharsAnywhereInAStringAndPassOtherUtf8Through() {
        String title = "\"Mug\" 350\u00a0ml \\ caf\u00e9\n\t\u0001\u001f end\r\b\f";
        byte[] r = new OfferResponseWriter(OffersContract.V1)
                .write("\"", "", "x\\", "gold", title, "\u65e5\u672c", 1, 2, "\n", 0, 0, 0);
        assertThat(render(r))
                .isEqualTo("{\"sku\":\"\\\"\",\"region\":\"\",\"currency\":\"x\\\\\",\"tier\":\"gold\","
                        + "\"title\":\"\\\"Mug\\\" 350\u00a0ml \\\\ caf\u00e9\\n\\t\\u0001\\u001f end\\r\\b\\f\","
                        + "\"category\":\"\u65e5\u672c\",\"price_minor\":1,\"minor_units\":2,\"promo_id\":\"\\n\","
                        + "\"percent_off\":0,\"quantity\":0,\"in_stock\":false}");
    }
}
