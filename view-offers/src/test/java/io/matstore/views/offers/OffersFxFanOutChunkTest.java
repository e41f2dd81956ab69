package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.offers.OfferEvents;
import io.matstore.views.offers.OffersDriver.Out;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * FX fan-outs cut into chunks (issue 16: each transaction must fit the transaction timeout): a chunk of 16
 * combinations is two products × 4 regions × 2 tiers, so ten products take five chunks, each resumed by the task's
 * wall-clock punctuation (its own transaction on a real broker).
 */
class OffersFxFanOutChunkTest {
    private static final int PRODUCTS = 10;
    private static final int PER_PRODUCT = 8; // 4 regions × 2 tiers, one currency
    private final OffersDriver chunked = OffersDriver.withFanOutChunk(16);
    private final OffersDriver whole = OffersDriver.withFanOutChunk(0);

    @AfterEach
    void close() {
        chunked.close();
        whole.close();
    }

    private static void catalogue(OffersDriver driver) {
        for (int i = 0; i < PRODUCTS; i++) {
            String sku = "SKU-" + i;
            driver.publish(sku, OfferEvents.productUpserted(sku, "Mug " + i, "kitchen", 1000 + 37L * i));
        }
        driver.read();
    }

    /** Fires punctuations until the driver's pending fan-outs are done; returns what they wrote. */
    private static List<Out> drain(OffersDriver driver, List<Out> into) {
        for (int i = 0; i < 100; i++) {
            driver.advanceWallClock(Duration.ofMillis(5));
            List<Out> chunk = driver.read();
            if (chunk.isEmpty()) {
                return into;
            }
            assertThat(chunk.size())
                    .as("a chunk reports whole products up to the chunk size")
                    .isLessThanOrEqualTo(16);
            into.addAll(chunk);
        }
        throw new AssertionError("fan-out did not end within 100 punctuations");
    }

    private static Map<List<String>, Long> lastPrices(List<Out> records) {
        Map<List<String>, Long> m = new HashMap<>();
        for (Out o : records) {
            m.put(o.key(), o.tombstone() ? null : o.response().priceMinor());
        }
        return m;
    }

    @Test
    void shouldEmitTheFirstChunkWithTheEventAndTheRestChunkByChunkUntilEveryProductIsRepriced() {
        catalogue(chunked);
        long doneBefore = chunked.counters.eventsDone();
        chunked.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2), new RecordHeaders());
        List<TestRecord<byte[], byte[]>> first = chunked.readRecords();
        assertThat(first).hasSize(16);
        assertThat(chunked.counters.eventsDone())
                .as("not done while its fan-out is pending")
                .isEqualTo(doneBefore);

        chunked.advanceWallClock(Duration.ofMillis(5));
        List<TestRecord<byte[], byte[]>> second = chunked.readRecords();
        assertThat(second).hasSize(16);
        assertThat(second)
                .allSatisfy(r -> assertThat(r.timestamp())
                        .as("resumed records carry the FX event's " + "timestamp")
                        .isEqualTo(OffersDriver.WALL_CLOCK.toEpochMilli()));

        List<Out> rest = drain(chunked, new ArrayList<>());
        assertThat(first.size() + second.size() + rest.size()).isEqualTo(PRODUCTS * PER_PRODUCT);
        assertThat(chunked.counters.eventsDone()).isEqualTo(doneBefore + 1);
        chunked.advanceWallClock(Duration.ofMillis(50));
        assertThat(chunked.read()).as("nothing left once the cursor is gone").isEmpty();
    }

    @Test
    void shouldEndWithTheSamePricesAsOneWholeFanOutWhenANewerRateSupersedesARunningOne() {
        catalogue(chunked);
        catalogue(whole);
        List<Out> chunkedOut = new ArrayList<>();
        List<Out> wholeOut = new ArrayList<>();
        long doneBefore = chunked.counters.eventsDone();
        for (OffersDriver d : List.of(chunked, whole)) {
            List<Out> out = d == chunked ? chunkedOut : wholeOut;
            d.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2));
            out.addAll(d.read());
            if (d == chunked) {
                d.advanceWallClock(Duration.ofMillis(5)); // part of the way through: products 0-3 at 0.92
                out.addAll(d.read());
            }
            // events during the fan-out: a product behind the cursor and one ahead change, a new one arrives
            d.publish("SKU-1", OfferEvents.productUpserted("SKU-1", "Mug 1", "kitchen", 5_000));
            d.publish("SKU-8", OfferEvents.productUpserted("SKU-8", "Mug 8", "kitchen", 7_000));
            d.publish("SKU-A", OfferEvents.productUpserted("SKU-A", "Mug A", "kitchen", 9_000));
            d.publish("EUR", OfferEvents.fxRateChanged("EUR", 900_000L, 2)); // supersedes the running walk
            out.addAll(d.read());
        }
        drain(chunked, chunkedOut);

        Map<List<String>, Long> expected = lastPrices(wholeOut);
        assertThat(lastPrices(chunkedOut)).isEqualTo(expected);
        // every product in EUR, plus the USD combinations of the three upserts
        assertThat(expected).hasSize((PRODUCTS + 1) * PER_PRODUCT + 3 * PER_PRODUCT);
        assertThat(expected.get(List.of("SKU-0", "us", "EUR", "standard"))).isEqualTo(900L); // 1000 × 0.9
        assertThat(chunked.counters.eventsDone() - doneBefore)
                .as("3 product events + 2 FX events, the first superseded")
                .isEqualTo(5);
    }
}
