package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.precompute.DeadLetters;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.offers.OfferEvents;
import io.matstore.schemas.offers.fb.OfferEvent;
import io.matstore.schemas.offers.fb.ProductDeleted;
import io.matstore.views.offers.OffersDriver.Out;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The offers view on a TopologyTestDriver: every event type, the ordering cases and poison events. */
class OffersTopologyTest {
    private final OffersDriver driver = new OffersDriver();

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

    private static Out at(Map<List<String>, Out> m, String sku, String region, String currency, String tier) {
        Out o = m.get(List.of(sku, region, currency, tier));
        assertThat(o).as("record for %s/%s/%s/%s", sku, region, currency, tier).isNotNull();
        return o;
    }

    @Test
    void shouldPriceTheSpecWorkedExampleTo1022() {
        product("SKU-1", "kitchen", 1299);
        driver.publish("P-9", OfferEvents.promotionUpserted("P-9", "kitchen", "eu", 10));
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "eu", 3));
        driver.read();
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));

        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out).hasSize(8); // 4 regions x 2 tiers in the new currency
        Out gold = at(out, "SKU-1", "eu", "EUR", "gold");
        assertThat(gold.response().priceMinor()).isEqualTo(1022);
        assertThat(gold.response().minorUnits()).isEqualTo(2);
        assertThat(gold.response().promoId()).isEqualTo("P-9");
        assertThat(gold.response().percentOff()).isEqualTo(10);
        assertThat(gold.response().quantity()).isEqualTo(3);
        assertThat(gold.response().inStock()).isTrue();
        assertThat(gold.response().title()).isEqualTo("Mug");
        assertThat(gold.response().category()).isEqualTo("kitchen");
        assertThat(gold.response().sku()).isEqualTo("SKU-1");
        assertThat(gold.response().region()).isEqualTo("eu");
        assertThat(gold.response().currency()).isEqualTo("EUR");
        assertThat(gold.response().tier()).isEqualTo("gold");
        assertThat(at(out, "SKU-1", "eu", "EUR", "standard").response().priceMinor())
                .isEqualTo(1076);
        Out usNoPromo = at(out, "SKU-1", "us", "EUR", "gold");
        assertThat(usNoPromo.response().priceMinor()).isEqualTo(1135);
        assertThat(usNoPromo.response().promoId()).isEmpty();
        assertThat(usNoPromo.response().percentOff()).isZero();
        assertThat(usNoPromo.response().quantity()).isZero();
        assertThat(usNoPromo.response().inStock()).isFalse();
        assertThat(at(out, "SKU-1", "us", "EUR", "standard").response().priceMinor())
                .isEqualTo(1195);
    }

    @Test
    void shouldWrapEachResponseInAnEnvelopeWithViewKeyHashAndComputationTime() {
        product("SKU-1", "kitchen", 1299);
        Out o = driver.read().get(0);
        assertThat(o.envelope().viewName()).isEqualTo("offers");
        assertThat(o.envelope().viewVersion()).isEqualTo(1);
        byte[] key = new byte[o.envelope().keyLength()];
        o.envelope().keyAsByteBuffer().get(key);
        assertThat(KeyCodec.decode(OffersContract.V1, key)).isEqualTo(o.key());
        assertThat(o.envelope().computedAtMicros()).isEqualTo(OffersDriver.WALL_CLOCK.toEpochMilli() * 1000L);
        byte[] response = new byte[o.envelope().responseLength()];
        o.envelope().responseAsByteBuffer().get(response);
        assertThat(o.envelope().contentHash())
                .isEqualTo(com.dynatrace.hash4j.hashing.Hashing.xxh3_64().hashBytesToLong(response));
    }

    @Test
    void shouldEmitEveryRegionAndTierInUsdWhenAProductIsCreated() {
        product("SKU-1", "kitchen", 1299);
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out).hasSize(8);
        for (String region : OffersView.DEFAULT_REGIONS) {
            assertThat(at(out, "SKU-1", region, "USD", "standard").response().priceMinor())
                    .isEqualTo(1299);
            assertThat(at(out, "SKU-1", region, "USD", "gold").response().priceMinor())
                    .isEqualTo(1234);
        }
    }

    @Test
    void shouldRoundHalfUpExactlyForEveryMinorUnitCount() {
        product("SKU-1", "kitchen", 1299);
        driver.read();
        driver.publish("JPY", OfferEvents.fxRateChanged("JPY", 150_000_000L, 0));
        driver.publish("BHD", OfferEvents.fxRateChanged("BHD", 376_000L, 3));
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(at(out, "SKU-1", "us", "JPY", "standard").response().priceMinor())
                .isEqualTo(1949); // 1948.5
        assertThat(at(out, "SKU-1", "us", "JPY", "standard").response().minorUnits())
                .isZero();
        assertThat(at(out, "SKU-1", "us", "JPY", "gold").response().priceMinor())
                .isEqualTo(1851); // 1851.075
        assertThat(at(out, "SKU-1", "us", "BHD", "standard").response().priceMinor())
                .isEqualTo(4884); // 4884.24
        assertThat(at(out, "SKU-1", "us", "BHD", "standard").response().minorUnits())
                .isEqualTo(3);
    }

    @Test
    void shouldRoundHalfAPennyUpForGoldTier() {
        product("SKU-10", "kitchen", 10);
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(at(out, "SKU-10", "us", "USD", "gold").response().priceMinor())
                .isEqualTo(10); // 9.5
        assertThat(at(out, "SKU-10", "us", "USD", "standard").response().priceMinor())
                .isEqualTo(10);
    }

    @Test
    void shouldApplyStockThatArrivedBeforeItsProduct() {
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "eu", 5));
        assertThat(driver.read()).as("no product yet: nothing to emit").isEmpty();
        product("SKU-1", "kitchen", 1299);
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(at(out, "SKU-1", "eu", "USD", "gold").response().quantity()).isEqualTo(5);
        assertThat(at(out, "SKU-1", "eu", "USD", "gold").response().inStock()).isTrue();
        assertThat(at(out, "SKU-1", "us", "USD", "gold").response().quantity()).isZero();
    }

    @Test
    void shouldReemitOnlyTheRegionOfAStockChangeAndMarkOutOfStockAtZero() {
        product("SKU-1", "kitchen", 1299);
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        driver.read();
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "uk", 7));
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out.keySet())
                .containsExactlyInAnyOrder(
                        List.of("SKU-1", "uk", "USD", "standard"),
                        List.of("SKU-1", "uk", "USD", "gold"),
                        List.of("SKU-1", "uk", "EUR", "standard"),
                        List.of("SKU-1", "uk", "EUR", "gold"));
        assertThat(out.values())
                .allSatisfy(o -> assertThat(o.response().quantity()).isEqualTo(7));
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "uk", 0));
        assertThat(driver.read())
                .hasSize(4)
                .allSatisfy(o -> assertThat(o.response().inStock()).isFalse());
    }

    @Test
    void shouldIgnoreStockOfARegionOutsideTheConfiguredOnes() {
        product("SKU-1", "kitchen", 1299);
        driver.read();
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "mars", 9));
        assertThat(driver.read()).isEmpty();
        assertThat(driver.counters.deadLettered()).isZero();
    }

    @Test
    void shouldEmitTombstonesForEveryCombinationWhenProductDeletedAndOnlyOnce() {
        product("SKU-1", "kitchen", 1299);
        product("SKU-2", "kitchen", 500);
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        driver.read();
        driver.publish("SKU-1", OfferEvents.productDeleted("SKU-1"));
        List<Out> out = driver.read();
        assertThat(out).hasSize(16).allSatisfy(o -> {
            assertThat(o.tombstone()).isTrue();
            assertThat(o.sku()).isEqualTo("SKU-1");
        });
        assertThat(byKey(out)).hasSize(16);
        driver.publish("SKU-1", OfferEvents.productDeleted("SKU-1"));
        assertThat(driver.read()).as("already gone: no second tombstone").isEmpty();
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "eu", 4));
        assertThat(driver.read())
                .as("stock of a deleted product changes no response")
                .isEmpty();
        driver.publish("CHF", OfferEvents.fxRateChanged("CHF", 880_000L, 2));
        assertThat(driver.read()).hasSize(8).allSatisfy(o -> assertThat(o.sku()).isEqualTo("SKU-2"));
    }

    @Test
    void shouldRecreateADeletedProductWithTheStockItKept() {
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "jp", 2));
        product("SKU-1", "kitchen", 1299);
        driver.publish("SKU-1", OfferEvents.productDeleted("SKU-1"));
        driver.read();
        driver.publish("SKU-1", OfferEvents.productUpserted("SKU-1", "Big mug", "kitchen", 1500));
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out).hasSize(8);
        Out jp = at(out, "SKU-1", "jp", "USD", "standard");
        assertThat(jp.response().quantity()).isEqualTo(2);
        assertThat(jp.response().title()).isEqualTo("Big mug");
        assertThat(jp.response().priceMinor()).isEqualTo(1500);
    }

    @Test
    void shouldAddACurrencyToTheSpaceOnItsFirstRateAndRepriceOnlyItOnTheNext() {
        product("SKU-1", "kitchen", 1299);
        product("SKU-2", "garden", 2000);
        driver.read();
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        Map<List<String>, Out> first = byKey(driver.read());
        assertThat(first).hasSize(16);
        assertThat(first.keySet()).allSatisfy(k -> assertThat(k.get(2)).isEqualTo("EUR"));
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 900_000L, 2));
        Map<List<String>, Out> second = byKey(driver.read());
        assertThat(second).hasSize(16);
        assertThat(at(second, "SKU-2", "us", "EUR", "standard").response().priceMinor())
                .isEqualTo(1800);
        assertThat(at(second, "SKU-2", "us", "EUR", "gold").response().priceMinor())
                .isEqualTo(1710);
        product("SKU-3", "garden", 100);
        assertThat(byKey(driver.read()).keySet().stream().map(k -> k.get(2)).collect(Collectors.toSet()))
                .as("a new product gets every known currency")
                .containsExactlyInAnyOrder("USD", "EUR");
    }

    @Test
    void shouldNotReemitAnUnchangedRecomputation() {
        product("SKU-1", "kitchen", 1299);
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        driver.read();
        long unchangedBefore = driver.counters.unchanged();
        product("SKU-1", "kitchen", 1299);
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        driver.publish("SKU-1", OfferEvents.stockChanged("SKU-1", "eu", 0));
        driver.publish("P-1", OfferEvents.promotionUpserted("P-1", "garden", "eu", 20)); // no garden products
        assertThat(driver.read()).isEmpty();
        assertThat(driver.counters.unchanged() - unchangedBefore).isEqualTo(16 + 8 + 4);
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_001L, 2)); // too small to move a price
        assertThat(driver.read()).isEmpty();
    }

    @Test
    void shouldPickTheLargestPromotionAndBreakTiesByTheSmallestPromoIdBytes() {
        product("SKU-1", "kitchen", 1000);
        driver.publish("P-b", OfferEvents.promotionUpserted("P-b", "kitchen", "us", 20));
        driver.publish("P-a", OfferEvents.promotionUpserted("P-a", "kitchen", "us", 10));
        driver.read();
        driver.publish("P-c", OfferEvents.promotionUpserted("P-c", "kitchen", "us", 20));
        assertThat(driver.read()).as("P-b still wins the tie").isEmpty();
        driver.publish("P-B", OfferEvents.promotionUpserted("P-B", "kitchen", "us", 20)); // 'B' < 'b' in bytes
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(at(out, "SKU-1", "us", "USD", "standard").response().promoId())
                .isEqualTo("P-B");
        assertThat(at(out, "SKU-1", "us", "USD", "standard").response().priceMinor())
                .isEqualTo(800);
        driver.publish("P-B", OfferEvents.promotionEnded("P-B"));
        driver.publish("P-b", OfferEvents.promotionEnded("P-b"));
        driver.publish("P-c", OfferEvents.promotionEnded("P-c"));
        Map<List<String>, Out> last = byKey(driver.read().subList(4, 6));
        assertThat(at(last, "SKU-1", "us", "USD", "standard").response().promoId())
                .isEqualTo("P-a");
        assertThat(at(last, "SKU-1", "us", "USD", "standard").response().priceMinor())
                .isEqualTo(900);
    }

    @Test
    void shouldReemitBothOldAndNewCategoryWhenAPromotionMovesCategory() {
        product("SKU-K", "kitchen", 1000);
        product("SKU-G", "garden", 1000);
        driver.publish("P-1", OfferEvents.promotionUpserted("P-1", "kitchen", "eu", 10));
        driver.read();
        driver.publish("P-1", OfferEvents.promotionUpserted("P-1", "garden", "eu", 10));
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out).hasSize(4);
        assertThat(at(out, "SKU-K", "eu", "USD", "standard").response().percentOff())
                .isZero();
        assertThat(at(out, "SKU-K", "eu", "USD", "standard").response().priceMinor())
                .isEqualTo(1000);
        assertThat(at(out, "SKU-G", "eu", "USD", "standard").response().promoId())
                .isEqualTo("P-1");
        assertThat(at(out, "SKU-G", "eu", "USD", "gold").response().priceMinor())
                .isEqualTo(855);
    }

    @Test
    void shouldReemitBothOldAndNewRegionWhenAPromotionMovesRegion() {
        product("SKU-K", "kitchen", 1000);
        driver.publish("P-1", OfferEvents.promotionUpserted("P-1", "kitchen", "eu", 10));
        driver.read();
        driver.publish("P-1", OfferEvents.promotionUpserted("P-1", "kitchen", "jp", 30));
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out.keySet())
                .containsExactlyInAnyOrder(
                        List.of("SKU-K", "eu", "USD", "standard"),
                        List.of("SKU-K", "eu", "USD", "gold"),
                        List.of("SKU-K", "jp", "USD", "standard"),
                        List.of("SKU-K", "jp", "USD", "gold"));
        assertThat(at(out, "SKU-K", "eu", "USD", "standard").response().percentOff())
                .isZero();
        assertThat(at(out, "SKU-K", "jp", "USD", "standard").response().priceMinor())
                .isEqualTo(700);
    }

    @Test
    void shouldApplyAPromotionThatArrivedBeforeItsProducts() {
        driver.publish("P-1", OfferEvents.promotionUpserted("P-1", "kitchen", "us", 50));
        assertThat(driver.read()).isEmpty();
        product("SKU-1", "kitchen", 999);
        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(at(out, "SKU-1", "us", "USD", "standard").response().priceMinor())
                .isEqualTo(500); // 499.5
        assertThat(at(out, "SKU-1", "eu", "USD", "standard").response().priceMinor())
                .isEqualTo(999);
    }

    @Test
    void shouldMoveAProductBetweenCategoriesForPromotionFanOut() {
        product("SKU-1", "kitchen", 1000);
        product("SKU-1", "garden", 1000);
        driver.read();
        driver.publish("P-1", OfferEvents.promotionUpserted("P-1", "kitchen", "us", 10));
        assertThat(driver.read()).as("SKU-1 left kitchen").isEmpty();
        driver.publish("P-2", OfferEvents.promotionUpserted("P-2", "garden", "us", 10));
        assertThat(driver.read()).hasSize(2);
    }

    @Test
    void shouldHoldAnFxChangeThatMovesTheRateMoreThanTheFactorAndLetTheNextSaneOneThrough() {
        product("SKU-1", "kitchen", 1299);
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        assertThat(driver.read()).as("EUR enters the space").isNotEmpty();

        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 92_000_000L, 2));
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 91_000L, 2));
        assertThat(driver.read()).as("no price moved").isEmpty();
        assertThat(driver.readDeadLetters())
                .extracting(r -> OffersDriver.header(r.headers(), DeadLetters.REASON))
                .containsExactly(
                        "usd_rate_micros=92000000 moves EUR by a factor of 100.00 from 920000"
                                + " > view.offers.fx.max.change.factor=10.0",
                        "usd_rate_micros=91000 moves EUR by a factor of 10.11 from 920000"
                                + " > view.offers.fx.max.change.factor=10.0");
        assertThat(driver.counters.held()).isEqualTo(2);
        assertThat(driver.counters.deadLettered()).isEqualTo(2);

        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 9_200_000L, 2));
        assertThat(driver.read()).as("a change of exactly the factor passes").isNotEmpty();
        driver.publish("JPY", OfferEvents.fxRateChanged("JPY", 150_000_000L, 0));
        assertThat(driver.read()).as("the first rate of a currency passes").isNotEmpty();
    }

    @Test
    void shouldDeadLetterStringFieldsOverTheSizeLimitWithTheLengthAndTheLimit() {
        String huge = "x".repeat(1 << 20);
        driver.publish("SKU-T", OfferEvents.productUpserted("SKU-T", huge, "kitchen", 100));
        driver.publish("SKU-C", OfferEvents.productUpserted("SKU-C", "Mug", "c".repeat(4097), 100));
        driver.publish("P-1", OfferEvents.promotionUpserted("P-1", "k".repeat(5000), "us", 10));
        driver.publish("SKU-1", OfferEvents.productUpserted("SKU-1", "t".repeat(4096), "kitchen", 100));

        List<String> reasons = driver.readDeadLetters().stream()
                .map(r -> OffersDriver.header(r.headers(), DeadLetters.REASON))
                .toList();
        assertThat(reasons)
                .containsExactly(
                        "title is 1048576 bytes > view.offers.event.max.string.bytes=4096",
                        "category is 4097 bytes > view.offers.event.max.string.bytes=4096",
                        "category is 5000 bytes > view.offers.event.max.string.bytes=4096");
        assertThat(driver.read()).as("a title at the limit is computed").isNotEmpty();
    }

    @Test
    void shouldDeadLetterPoisonAndInvalidEventsWithReasonAndSourceAndKeepRunning() {
        byte[] unknownType = unknownUnionType();
        List<byte[]> bad = List.of(
                new byte[] {1, 2, 3},
                "definitely not a flatbuffer, but long enough".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Arrays.copyOf(OfferEvents.productUpserted("SKU-X", "t", "c", 1), 20),
                unknownType,
                OfferEvents.productUpserted("", "t", "c", 1),
                OfferEvents.productUpserted("SKU-X", "t", "c", -1),
                OfferEvents.stockChanged("SKU-X", "eu", -5),
                OfferEvents.stockChanged("SKU-X", "", 5),
                OfferEvents.promotionUpserted("P-1", "kitchen", "eu", 0),
                OfferEvents.promotionUpserted("P-1", "kitchen", "eu", 91),
                OfferEvents.promotionEnded(""),
                OfferEvents.fxRateChanged("USD", 1_000_000L, 2),
                OfferEvents.fxRateChanged("eur", 920_000L, 2),
                OfferEvents.fxRateChanged("EUR", 0, 2),
                OfferEvents.fxRateChanged("EUR", 920_000L, 4));
        for (byte[] value : bad) {
            driver.publish("k", value);
        }
        driver.publish("k", null);
        product("SKU-1", "kitchen", 1299);

        List<TestRecord<byte[], byte[]>> dead = driver.readDeadLetters();
        assertThat(dead).hasSize(bad.size() + 1);
        assertThat(driver.counters.deadLettered()).isEqualTo(bad.size() + 1);
        for (int i = 0; i < dead.size(); i++) {
            TestRecord<byte[], byte[]> r = dead.get(i);
            assertThat(OffersDriver.header(r.headers(), DeadLetters.TOPIC)).isEqualTo(OffersDriver.SOURCE);
            assertThat(OffersDriver.header(r.headers(), DeadLetters.PARTITION)).isEqualTo("0");
            assertThat(OffersDriver.header(r.headers(), DeadLetters.OFFSET)).isEqualTo(Integer.toString(i));
            assertThat(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("k");
            if (i < bad.size()) {
                assertThat(r.value()).as("the record is kept unchanged").isEqualTo(bad.get(i));
            }
        }
        List<String> reasons = dead.stream()
                .map(r -> OffersDriver.header(r.headers(), DeadLetters.REASON))
                .toList();
        assertThat(reasons.get(0)).isEqualTo("not an offers event: 3 bytes < 8");
        assertThat(reasons.get(1)).isEqualTo("not an offers event: file identifier is not MSO1");
        assertThat(reasons.get(2)).startsWith("undecodable offers event: ");
        assertThat(reasons.get(3)).isEqualTo("unknown event type 7 (known 1..6)");
        assertThat(reasons.get(4)).isEqualTo("sku is missing or empty");
        assertThat(reasons.get(5)).isEqualTo("base_price_usd_cents=-1 < 0");
        assertThat(reasons.get(6)).isEqualTo("quantity=-5 < 0");
        assertThat(reasons.get(7)).isEqualTo("region is missing or empty");
        assertThat(reasons.get(8)).isEqualTo("percent_off=0 is outside 1..90");
        assertThat(reasons.get(9)).isEqualTo("percent_off=91 is outside 1..90");
        assertThat(reasons.get(10)).isEqualTo("promo_id is missing or empty");
        assertThat(reasons.get(11)).startsWith("currency=USD is built in");
        assertThat(reasons.get(12)).isEqualTo("currency=\"eur\" is not 3 upper-case letters");
        assertThat(reasons.get(13)).isEqualTo("usd_rate_micros=0 <= 0");
        assertThat(reasons.get(14)).isEqualTo("minor_units=4 is outside 0..3");
        assertThat(reasons.get(15)).isEqualTo("value is null (a tombstone is not an event)");

        Map<List<String>, Out> out = byKey(driver.read());
        assertThat(out)
                .as("rejected events changed nothing; the valid one after them is processed")
                .hasSize(8);
        assertThat(out.keySet()).allSatisfy(k -> assertThat(k.get(2)).isEqualTo("USD"));
        assertThat(at(out, "SKU-1", "us", "USD", "standard").response().priceMinor())
                .isEqualTo(1299);
    }

    @Test
    void shouldDeadLetterEveryPrefixOfAValidEventWithoutFailing() {
        byte[] valid = OfferEvents.promotionUpserted("P-1", "kitchen", "eu", 10);
        for (int length = 0; length < valid.length; length++) {
            driver.publish("k", Arrays.copyOf(valid, length));
        }
        byte[] flipped = valid.clone();
        for (int i = 0; i < flipped.length; i++) {
            flipped[i] = (byte) ~flipped[i];
            driver.publish("k", flipped.clone());
            flipped[i] = valid[i];
        }
        assertThat(driver.counters.deadLettered()).isGreaterThanOrEqualTo(valid.length);
        product("SKU-1", "kitchen", 1299);
        assertThat(driver.read()).isNotEmpty();
    }

    private static byte[] unknownUnionType() {
        FlatBufferBuilder b = new FlatBufferBuilder(64);
        int body = ProductDeleted.createProductDeleted(b, b.createString("SKU-X"));
        OfferEvent.finishOfferEventBuffer(b, OfferEvent.createOfferEvent(b, (byte) 7, body));
        return b.sizedByteArray();
    }
}
