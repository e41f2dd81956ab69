package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.offers.OfferEvents;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.views.offers.OffersDriver.Out;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * offers v2 on a TopologyTestDriver: {@code list_price_minor} (no promotion, no tier discount, same rounding as
 * price_minor) on the responses of every event kind that moves prices, and v1 unchanged beside it.
 * Expected values are worked out by hand from the spec, not with {@link Pricing}.
 */
class OffersV2TopologyTest {
    private final OffersDriver driver = OffersDriver.version(2);

    @AfterEach
    void close() {
        driver.close();
    }

    private void product(String sku, String category, long cents) {
        driver.publish(sku, OfferEvents.productUpserted(sku, "Mug", category, cents));
    }

    private static Map<List<String>, Out> byKey(List<Out> records) {
        Map<List<String>, Out> m = new HashMap<>();
        for (Out o : records) {
            assertThat(m.put(o.key(), o))
                    .as("one record per key per event: %s", o.key())
                    .isNull();
        }
        return m;
    }

    private static OfferResponse at(Map<List<String>, Out> m, String sku, String region, String currency, String tier) {
        Out o = m.get(List.of(sku, region, currency, tier));
        assertThat(o).as("record for %s/%s/%s/%s", sku, region, currency, tier).isNotNull();
        assertThat(o.response()).as("a response, not a tombstone").isNotNull();
        assertThat(o.response().hasListPriceMinor())
                .as("v2 always writes list_price_minor")
                .isTrue();
        return o.response();
    }

    @Test
    void shouldWriteVersion2EnvelopesToTheVersion2Topic() {
        product("SKU-1", "kitchen", 1299);
        Out o = driver.read().get(0);
        assertThat(driver.descriptor.topic()).isEqualTo("view.offers.v2");
        assertThat(o.envelope().viewVersion()).isEqualTo(2);
    }

    @Test
    void shouldSetListPriceToTheBasePriceOnEveryCombinationOfANewProduct() {
        product("SKU-1", "kitchen", 1299);
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out).hasSize(8);
        for (String region : OffersView.DEFAULT_REGIONS) {
            assertThat(at(out, "SKU-1", region, "USD", "standard").listPriceMinor())
                    .isEqualTo(1299);
            OfferResponse gold = at(out, "SKU-1", region, "USD", "gold");
            assertThat(gold.priceMinor()).isEqualTo(1234); // 1234.05: the tier discount is in price only
            assertThat(gold.listPriceMinor()).isEqualTo(1299);
        }
    }

    @Test
    void shouldKeepListPriceOfTheSpecExampleAt1195WhilePriceIs1022() {
        product("SKU-1", "kitchen", 1299);
        driver.publish("P-9", OfferEvents.promotionUpserted("P-9", "kitchen", "eu", 10));
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "eu", 3));
        driver.read();
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));

        Map<List<String>, Out> out = byKey(driver.read());
        OfferResponse gold = at(out, "SKU-1", "eu", "EUR", "gold");
        assertThat(gold.priceMinor()).isEqualTo(1022);
        assertThat(gold.listPriceMinor()).isEqualTo(1195); // 1195.08
        assertThat(gold.percentOff()).isEqualTo(10);
        assertThat(at(out, "SKU-1", "eu", "EUR", "standard").listPriceMinor()).isEqualTo(1195);
        assertThat(at(out, "SKU-1", "us", "EUR", "standard").priceMinor()).isEqualTo(1195);
        assertThat(at(out, "SKU-1", "us", "EUR", "standard").listPriceMinor()).isEqualTo(1195);
    }

    @Test
    void shouldLeaveListPriceAloneWhenAPromotionStartsAndEnds() {
        product("SKU-1", "kitchen", 1299);
        driver.read();
        driver.publish("P-1", OfferEvents.promotionUpserted("P-1", "kitchen", "eu", 10));
        Map<List<String>, Out> started = byKey(driver.read());
        assertThat(started).hasSize(2);
        assertThat(at(started, "SKU-1", "eu", "USD", "standard").priceMinor()).isEqualTo(1169); // 1169.1
        assertThat(at(started, "SKU-1", "eu", "USD", "gold").priceMinor()).isEqualTo(1111); // 1110.645
        assertThat(started.values())
                .allSatisfy(o -> assertThat(o.response().listPriceMinor()).isEqualTo(1299));

        driver.publish("P-1", OfferEvents.promotionEnded("P-1"));
        Map<List<String>, Out> ended = byKey(driver.read());
        assertThat(at(ended, "SKU-1", "eu", "USD", "standard").priceMinor()).isEqualTo(1299);
        assertThat(at(ended, "SKU-1", "eu", "USD", "gold").priceMinor()).isEqualTo(1234);
        assertThat(ended.values())
                .allSatisfy(o -> assertThat(o.response().listPriceMinor()).isEqualTo(1299));
    }

    @Test
    void shouldRepriceListPriceInTheCurrencyOfAnFxChangeRoundingHalfUp() {
        product("SKU-1", "kitchen", 1299);
        driver.read();
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        driver.publish("JPY", OfferEvents.fxRateChanged("JPY", 150_000_000L, 0));
        driver.publish("BHD", OfferEvents.fxRateChanged("BHD", 376_000L, 3));
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out).hasSize(24);
        assertThat(at(out, "SKU-1", "jp", "EUR", "gold").listPriceMinor()).isEqualTo(1195); // 1195.08
        assertThat(at(out, "SKU-1", "jp", "JPY", "gold").listPriceMinor()).isEqualTo(1949); // 1948.5 up
        assertThat(at(out, "SKU-1", "jp", "JPY", "gold").priceMinor()).isEqualTo(1851); // 1851.075
        assertThat(at(out, "SKU-1", "jp", "BHD", "standard").listPriceMinor()).isEqualTo(4884); // 4884.24

        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 930_000L, 2));
        Map<List<String>, Out> moved = byKey(driver.read());
        assertThat(moved).hasSize(8);
        assertThat(moved.values())
                .allSatisfy(o -> assertThat(o.response().listPriceMinor()).isEqualTo(1208));
        assertThat(at(moved, "SKU-1", "us", "EUR", "gold").priceMinor()).isEqualTo(1148); // 1147.6365
    }

    @Test
    void shouldRepriceListPriceWhenTheBasePriceChanges() {
        product("SKU-1", "kitchen", 1299);
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        driver.read();
        product("SKU-1", "kitchen", 2000);
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out).hasSize(16);
        assertThat(at(out, "SKU-1", "uk", "USD", "gold").listPriceMinor()).isEqualTo(2000);
        assertThat(at(out, "SKU-1", "uk", "USD", "gold").priceMinor()).isEqualTo(1900);
        assertThat(at(out, "SKU-1", "uk", "EUR", "standard").listPriceMinor()).isEqualTo(1840);
    }

    @Test
    void shouldRoundAHalfCentListPriceUp() {
        product("SKU-10", "kitchen", 5);
        driver.publish("XTS", OfferEvents.fxRateChanged("XTS", 1_100_000L, 2)); // 5.5 cents
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(at(out, "SKU-10", "us", "XTS", "standard").listPriceMinor()).isEqualTo(6);
        assertThat(at(out, "SKU-10", "us", "XTS", "gold").priceMinor()).isEqualTo(5); // 5.225
    }

    @Test
    void shouldCarryListPriceOnStockChangesAndTombstoneEveryCombinationOnDelete() {
        product("SKU-1", "kitchen", 1299);
        driver.read();
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "eu", 4));
        Map<List<String>, Out> stocked = byKey(driver.read());
        assertThat(stocked).hasSize(2);
        assertThat(at(stocked, "SKU-1", "eu", "USD", "gold").quantity()).isEqualTo(4);
        assertThat(at(stocked, "SKU-1", "eu", "USD", "gold").listPriceMinor()).isEqualTo(1299);

        driver.publish("SKU-1", OfferEvents.productDeleted("SKU-1"));
        List<Out> deleted = driver.read();
        assertThat(deleted).hasSize(8).allSatisfy(o -> assertThat(o.tombstone()).isTrue());
    }

    @Test
    void shouldEndWithTheSameResponsesAsVersion1PlusTheListPrice() {
        DemoEventGenerator generator =
                new DemoEventGenerator(60, OffersView.DEFAULT_REGIONS, 6L, new DemoEventGenerator.Mix(20, 150));
        try (OffersDriver v1 = OffersDriver.version(1)) {
            generator.catalogue(e -> publishBoth(v1, e));
            for (int i = 0; i < 600; i++) {
                publishBoth(v1, generator.next());
            }
            // Compared as final views, not record by record: v2 re-emits a combination whose list price moved while
            // its rounded price did not, which v1 rightly suppresses.
            Map<List<String>, Out> ones = lastByKey(v1.read());
            Map<List<String>, Out> twos = lastByKey(driver.read());
            assertThat(ones).hasSizeGreaterThan(1_000);
            assertThat(twos.keySet()).isEqualTo(ones.keySet());
            for (Map.Entry<List<String>, Out> e : ones.entrySet()) {
                Out one = e.getValue();
                Out two = twos.get(e.getKey());
                assertThat(two.tombstone()).isEqualTo(one.tombstone());
                if (!one.tombstone()) {
                    assertThat(one.response().hasListPriceMinor()).isFalse();
                    assertThat(one.envelope().viewVersion()).isEqualTo(1);
                    assertThat(fieldsOf(two.response())).isEqualTo(fieldsOf(one.response()));
                    assertThat(two.response().hasListPriceMinor()).isTrue();
                    assertThat(two.response().listPriceMinor())
                            .isGreaterThanOrEqualTo(two.response().priceMinor());
                }
            }
        }
    }

    private static Map<List<String>, Out> lastByKey(List<Out> records) {
        Map<List<String>, Out> m = new HashMap<>();
        records.forEach(o -> m.put(o.key(), o));
        return m;
    }

    private void publishBoth(OffersDriver v1, OffersEvent e) {
        OffersEventCodec.Encoded encoded = OffersEventCodec.encode(e);
        v1.publish(new String(encoded.key(), StandardCharsets.UTF_8), encoded.value());
        driver.publish(new String(encoded.key(), StandardCharsets.UTF_8), encoded.value());
    }

    private static List<Object> fieldsOf(OfferResponse r) {
        return List.of(
                r.sku(),
                r.region(),
                r.currency(),
                r.tier(),
                r.title(),
                r.category(),
                r.priceMinor(),
                r.minorUnits(),
                r.promoId(),
                r.percentOff(),
                r.quantity(),
                r.inStock());
    }
}
