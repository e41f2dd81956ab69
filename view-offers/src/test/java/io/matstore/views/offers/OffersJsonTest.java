package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.publish.EventFileException;
import io.matstore.precompute.publish.Publisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffersJsonTest {
    @TempDir
    Path dir;

    @Test
    void shouldParseTheSpecExampleLine() throws Exception {
        OffersEvent e = OffersJson.parse("{\"type\":\"ProductUpserted\",\"sku\":\"SKU-1\",\"title\":\"Mug\","
                + "\"category\":\"kitchen\",\"base_price_usd_cents\":1299}");
        assertThat(e).isEqualTo(new OffersEvent.ProductUpserted("SKU-1", "Mug", "kitchen", 1299));
    }

    @Test
    void shouldRoundTripEveryEventType() throws Exception {
        List<OffersEvent> events = List.of(
                new OffersEvent.ProductUpserted("S", "", "", 0),
                new OffersEvent.ProductDeleted("S"),
                new OffersEvent.StockChanged("S", "eu", 0),
                new OffersEvent.PromotionUpserted("P", "c", "eu", 90),
                new OffersEvent.PromotionEnded("P"),
                new OffersEvent.FxRateChanged("KWD", 307_000L, 3));
        for (OffersEvent e : events) {
            assertThat(OffersJson.parse(OffersJson.format(e))).isEqualTo(e);
        }
    }

    @Test
    void shouldNameTheFieldOfEveryError() {
        assertError("{\"type\":\"StockChanged\",\"sku\":\"S\",\"quantity\":1}", "field region: missing");
        assertError(
                "{\"type\":\"StockChanged\",\"sku\":\"S\",\"region\":\"eu\",\"quantity\":\"1\"}",
                "field quantity: must be an integer in -2^31..2^31-1, got \"1\"");
        assertError(
                "{\"type\":\"StockChanged\",\"sku\":\"S\",\"region\":\"eu\",\"quantity\":1.5}",
                "field quantity: must be an integer in -2^31..2^31-1, got 1.5");
        assertError(
                "{\"type\":\"StockChanged\",\"sku\":\"S\",\"region\":\"eu\",\"quantity\":1,\"x\":1}",
                "field x: not a field of StockChanged; fields are [quantity, region, sku]");
        assertError(
                "{\"type\":\"PromotionUpserted\",\"promo_id\":\"P\",\"category\":\"c\",\"region\":\"eu\","
                        + "\"percent_off\":95}",
                "percent_off=95 is outside 1..90");
        assertError(
                "{\"type\":\"FxRateChanged\",\"currency\":\"USD\",\"usd_rate_micros\":1,\"minor_units\":2}",
                "currency=USD is built in (rate 1000000, 2 minor units) and cannot change");
        assertError(
                "{\"type\":\"Nope\"}",
                "field type: unknown event type \"Nope\"; known: [FxRateChanged, "
                        + "ProductDeleted, ProductUpserted, PromotionEnded, PromotionUpserted, StockChanged]");
        assertError("{\"type\":\"ProductDeleted\",\"sku\":\"\"}", "sku is missing or empty");
        assertError("[1]", "not a JSON object");
        assertThatThrownBy(() -> OffersJson.parse("{\"type\":\"ProductDeleted\",\"sku\":\"a\",\"sku\":\"b\"}"))
                .hasMessageStartingWith("invalid JSON: Duplicate field 'sku'");
    }

    @Test
    void shouldReportEveryBadLineByNumberAndSendNothing() throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "{\"type\":\"ProductDeleted\",\"sku\":\"S\"}",
                        "",
                        "{\"type\":\"ProductDeleted\"}",
                        "{\"type\":\"StockChanged\",\"sku\":\"S\",\"region\":\"eu\",\"quantity\":-1}"),
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Publisher.validate(new OffersEventFormat(), file))
                .isInstanceOfSatisfying(EventFileException.class, e -> {
                    assertThat(e.errorCount()).isEqualTo(2);
                    assertThat(e.errors()).containsExactly("line 3: field sku: missing", "line 4: quantity=-1 < 0");
                });
        Files.writeString(
                file,
                "{\"type\":\"ProductDeleted\",\"sku\":\"S\"}\n\n{\"type\":\"PromotionEnded\","
                        + "\"promo_id\":\"P\"}\n");
        assertThat(Publisher.validate(new OffersEventFormat(), file)).isEqualTo(2);
    }

    private static void assertError(String line, String message) {
        assertThatThrownBy(() -> OffersJson.parse(line))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage(message);
    }
}
