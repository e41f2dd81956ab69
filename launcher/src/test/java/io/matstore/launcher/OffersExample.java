package io.matstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked example of the offers spec as events and the answer they must produce, for the process tests. */
final class OffersExample {
    /** 1299 cents, 10 % promotion in eu, 3 in stock, EUR at 0.92 with 2 minor units. */
    static final String EVENTS = String.join(
                    "\n",
                    "{\"type\":\"ProductUpserted\",\"sku\":\"SKU-1\",\"title\":\"Mug\",\"category\":\"kitchen\","
                            + "\"base_price_usd_cents\":1299}",
                    "{\"type\":\"StockChanged\",\"sku\":\"SKU-1\",\"region\":\"eu\",\"quantity\":3}",
                    "{\"type\":\"FxRateChanged\",\"currency\":\"EUR\",\"usd_rate_micros\":920000,\"minor_units\":2}",
                    "{\"type\":\"PromotionUpserted\",\"promo_id\":\"P-9\",\"category\":\"kitchen\",\"region\":\"eu\","
                            + "\"percent_off\":10}")
            + "\n";

    static final int EVENT_COUNT = 4;
    /** Gold tier: 1021.79... rounds half up to 1022. */
    static final String QUERY = "/v1/views/offers?sku=SKU-1&region=eu&currency=EUR&tier=gold";

    static final String PRICE = "\"price_minor\":1022";

    private OffersExample() {}

    static void assertAnswer(String json) {
        assertThat(json)
                .contains(
                        "\"sku\":\"SKU-1\"",
                        "\"region\":\"eu\"",
                        "\"currency\":\"EUR\"",
                        "\"tier\":\"gold\"",
                        "\"title\":\"Mug\"",
                        PRICE,
                        "\"minor_units\":2",
                        "\"promo_id\":\"P-9\"",
                        "\"percent_off\":10",
                        "\"quantity\":3",
                        "\"in_stock\":true");
    }
}
