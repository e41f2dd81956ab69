package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.precompute.DeadLetters;
import io.matstore.precompute.FanOutLimits;
import io.matstore.precompute.ViewTopology;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.offers.OfferEvents;
import io.matstore.views.offers.OffersDriver.Out;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The runner's fan-out limits ({@link FanOutLimits}) on the real offers topology: an event whose tombstones would
 * pass {@code view.max.delete.share} of a task's keys is held, a response over {@code view.max.response.bytes} is not
 * written; both are dead-lettered with the reason and counted.
 */
class OffersFanOutLimitsTest {
    /** Fits at 0.92 EUR per USD, overflows 64 bits at 9.2: one product of ten leaves EUR, 8 of 160 keys. */
    private static final long HUGE_CENTS = 2_000_000_000_000_000_000L;

    private static final int MB = 1_000_000;

    private static void tenProductsPricedInEur(OffersDriver driver) {
        driver.publish("SKU-HUGE", OfferEvents.productUpserted("SKU-HUGE", "Yacht", "boats", HUGE_CENTS));
        for (int i = 0; i < 9; i++) {
            driver.publish("SKU-" + i, OfferEvents.productUpserted("SKU-" + i, "Mug", "kitchen", 1000));
        }
        driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
        assertThat(driver.read()).hasSize(160);
    }

    @Test
    void shouldHoldTheTombstonesOfAnEventThatDeletesMoreThanTheShareAndKeepTheKeysLastResponses() {
        try (OffersDriver driver = new OffersDriver(OffersView.DEFAULT_REGIONS, new FanOutLimits(MB, 0.02, 4))) {
            tenProductsPricedInEur(driver);

            byte[] tenfold = OfferEvents.fxRateChanged("EUR", 9_200_000L, 2);
            driver.publish("EUR", tenfold);

            List<Out> out = driver.read();
            assertThat(out)
                    .as("the nine products that still fit are re-priced")
                    .hasSize(72)
                    .noneMatch(Out::tombstone)
                    .noneMatch(o -> o.sku().equals("SKU-HUGE"));
            List<TestRecord<byte[], byte[]>> dead = driver.readDeadLetters();
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).value()).as("the event as published").isEqualTo(tenfold);
            assertThat(OffersDriver.header(dead.get(0).headers(), DeadLetters.REASON))
                    .matches(
                            "would delete 8 of ~\\d+ keys of partition 0 \\(\\d+\\.\\d %\\) > view\\.max\\.delete\\.share=0\\.02;"
                                    + " no tombstone written");
            assertThat(OffersDriver.header(dead.get(0).headers(), DeadLetters.TOPIC))
                    .isEqualTo(ViewTopology.repartitionTopics(driver.descriptor).get(1));
            assertThat(driver.counters.held()).isEqualTo(1);
            assertThat(driver.counters.deadLettered()).isEqualTo(1);
            assertThat(driver.counters.tombstones()).isZero();

            driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
            assertThat(driver.read())
                    .as("the held keys kept their last response: unchanged, nothing written")
                    .hasSize(72)
                    .noneMatch(o -> o.sku().equals("SKU-HUGE"));
        }
    }

    @Test
    void shouldWriteTheTombstonesOfAnEventWithinTheShare() {
        try (OffersDriver driver = new OffersDriver(OffersView.DEFAULT_REGIONS, new FanOutLimits(MB, 0.5, 4))) {
            tenProductsPricedInEur(driver);

            driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 9_200_000L, 2));

            List<Out> out = driver.read();
            assertThat(out.stream().filter(Out::tombstone).map(Out::sku))
                    .hasSize(8)
                    .containsOnly("SKU-HUGE");
            assertThat(driver.readDeadLetters()).isEmpty();
            assertThat(driver.counters.held()).isZero();
            assertThat(driver.counters.tombstones()).isEqualTo(8);
        }
    }

    @Test
    void shouldWriteTheTombstonesOfAChunkedFanOutAtTheEndOfTheirChunk() {
        // 16 combinations per step: SKU-HUGE's 8 EUR keys fall in a resumed chunk, not in the event's first one
        try (OffersDriver driver = OffersDriver.withFanOutChunk(16, new FanOutLimits(MB, 0.5, 4))) {
            driver.publish("SKU-HUGE", OfferEvents.productUpserted("SKU-HUGE", "Yacht", "boats", HUGE_CENTS));
            for (int i = 0; i < 9; i++) {
                driver.publish("SKU-" + i, OfferEvents.productUpserted("SKU-" + i, "Mug", "kitchen", 1000));
            }
            driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
            int priced = driver.read().size();
            for (int i = 0; i < 20; i++) {
                driver.advanceWallClock(Duration.ofMillis(5));
                priced += driver.read().size();
            }
            assertThat(priced).isEqualTo(160);

            driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 9_200_000L, 2));
            List<Out> out = new ArrayList<>(driver.read());
            assertThat(out).as("the first chunk alone").hasSizeLessThan(80);
            for (int i = 0; i < 20; i++) {
                driver.advanceWallClock(Duration.ofMillis(5));
                out.addAll(driver.read());
            }

            assertThat(out.stream().filter(Out::tombstone).map(Out::sku))
                    .hasSize(8)
                    .containsOnly("SKU-HUGE");
            assertThat(out.stream().filter(o -> !o.tombstone())).hasSize(72);
            assertThat(driver.readDeadLetters()).isEmpty();
            assertThat(driver.counters.tombstones()).isEqualTo(8);
        }
    }

    @Test
    void shouldNotWriteAResponseOverTheSizeLimitAndDeadLetterItsEventWithTheSizeAndTheLimit() {
        String title = "t".repeat(4096);
        byte[] bigProduct = OfferEvents.productUpserted("SKU-BIG", title, "kitchen", 1000);
        int firstSize;
        try (OffersDriver reference = new OffersDriver(List.of("us"), FanOutLimits.DEFAULTS)) {
            reference.publish("SKU-BIG", bigProduct);
            Out first = reference.read().get(0);
            assertThat(first.key()).containsExactly("SKU-BIG", "us", "USD", "standard");
            firstSize = ResponseEnvelopes.responseBytes(first.envelope()).length;
        }
        int limit = 4096;
        assertThat(firstSize).isGreaterThan(limit);

        try (OffersDriver driver = new OffersDriver(List.of("us"), new FanOutLimits(limit, 0.5, 1000))) {
            driver.publish("SKU-BIG", bigProduct);
            driver.publish("SKU-1", OfferEvents.productUpserted("SKU-1", "Mug", "kitchen", 1000));

            assertThat(driver.read())
                    .as("only the small product is written")
                    .hasSize(2)
                    .allMatch(o -> o.sku().equals("SKU-1"));
            List<TestRecord<byte[], byte[]>> dead = driver.readDeadLetters();
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).value()).isEqualTo(bigProduct);
            assertThat(OffersDriver.header(dead.get(0).headers(), DeadLetters.REASON))
                    .isEqualTo("2 response(s) not written, the first of " + firstSize
                            + " bytes > view.max.response.bytes=4096");
            assertThat(OffersDriver.header(dead.get(0).headers(), DeadLetters.TOPIC))
                    .as("an entity event keyed by its sku is read from the source, without the repartition hop")
                    .isEqualTo(OffersDriver.SOURCE);
            assertThat(driver.counters.tooLarge()).isEqualTo(2);
            assertThat(driver.counters.deadLettered()).isEqualTo(1);

            driver.publish("SKU-BIG", OfferEvents.productUpserted("SKU-BIG", "Mug", "kitchen", 1000));
            assertThat(driver.read())
                    .as("a later event that fits writes the keys")
                    .hasSize(2)
                    .allMatch(o -> o.sku().equals("SKU-BIG") && !o.tombstone());
        }
    }
}
