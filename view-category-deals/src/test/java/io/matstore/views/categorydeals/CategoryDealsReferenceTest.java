package io.matstore.views.categorydeals;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewTopology;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.offers.OfferEvents;
import io.matstore.views.categorydeals.fb.CategoryDealsResponse;
import io.matstore.views.categorydeals.fb.Deal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The view's topology (the same {@link ViewTopology} the job runs) against {@link DealsReference} over generated
 * event streams: products moving between categories and being deleted, stock going to zero, promotions replaced and
 * ended, FX rates added and changed (JPY with no minor units, so rounding makes equal prices and the sku decides),
 * and invalid events that must change nothing. After every stream, the view topic's last record per key must be
 * exactly the reference's response, and no key the reference does not have may be left without a tombstone.
 */
class CategoryDealsReferenceTest {
    private static final String SOURCE = "offers.events";
    private static final String DLQ = "offers.events.dlq";
    private static final List<String> REGIONS = List.of("us", "eu");
    private static final List<String> CATEGORIES = List.of("kitchen", "garden", "t\u00f6ys", "");

    @ParameterizedTest
    @ValueSource(longs = {1, 42, 1_000})
    void shouldMatchTheReferenceOverAGeneratedStream(long seed) {
        CategoryDealsView view = new CategoryDealsView(CategoryDealsContract.V1, SOURCE, REGIONS);
        StreamsBuilder builder = new StreamsBuilder();
        ViewCounters counters = ViewTopology.build(builder, view, DLQ);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, ViewTopology.applicationId(view.descriptor()));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        DealsReference reference = new DealsReference(REGIONS);
        Random random = new Random(seed);
        int invalid = 0;
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p, Instant.EPOCH)) {
            TestInputTopic<byte[], byte[]> in =
                    driver.createInputTopic(SOURCE, new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(
                    view.descriptor().topic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            for (int i = 0; i < 12; i++) { // a category with more offers in stock than a response lists
                String sku = "SKU-K" + i;
                long base = 500 + 100 * (i % 4); // equal prices: the sku decides
                send(in, sku, OfferEvents.productUpserted(sku, "kept " + i, "kitchen", base));
                reference.productUpserted(sku, "kept " + i, "kitchen", base);
                for (String region : REGIONS) {
                    send(in, sku, OfferEvents.stockChanged(sku, region, 1 + i));
                    reference.stockChanged(sku, region, 1 + i);
                }
            }
            for (int i = 0; i < 400; i++) {
                invalid += publishOne(random, in, reference);
            }
            Map<List<String>, DealsReference.Response> actual = new HashMap<>();
            for (TestRecord<byte[], byte[]> r : out.readRecordsToList()) {
                List<String> key = KeyCodec.decode(view.descriptor(), r.key());
                if (r.value() == null) {
                    actual.remove(key);
                } else {
                    actual.put(key, decode(r.value()));
                }
            }
            Map<List<String>, DealsReference.Response> expected = reference.expected();
            assertThat(expected).as("the stream exercises the view").hasSizeGreaterThanOrEqualTo(24);
            assertThat(actual).isEqualTo(expected);
            assertThat(expected.values().stream()
                            .filter(r -> r.deals().size() == 10)
                            .count())
                    .as("some lists are cut at ten")
                    .isPositive();
            assertThat(driver.createOutputTopic(DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                            .readRecordsToList())
                    .hasSize(invalid);
        }
        assertThat(counters).isNotNull();
    }

    /** Publishes one random event (and applies it to the reference); returns 1 when it is invalid, else 0. */
    private static int publishOne(Random random, TestInputTopic<byte[], byte[]> in, DealsReference reference) {
        String sku = "SKU-" + random.nextInt(50);
        String region = REGIONS.get(random.nextInt(REGIONS.size()));
        int kind = random.nextInt(100);
        if (kind < 30) {
            String category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
            String title = "item " + random.nextInt(1000);
            long base = random.nextInt(5) == 0 ? 1000 : random.nextInt(50_000); // repeated prices: ties by sku
            send(in, sku, OfferEvents.productUpserted(sku, title, category, base));
            reference.productUpserted(sku, title, category, base);
        } else if (kind < 33) {
            send(in, sku, OfferEvents.productDeleted(sku));
            reference.productDeleted(sku);
        } else if (kind < 75) {
            int quantity = random.nextInt(3) == 0 ? 0 : random.nextInt(20);
            send(in, sku, OfferEvents.stockChanged(sku, region, quantity));
            reference.stockChanged(sku, region, quantity);
        } else if (kind < 85) {
            String promo = "P-" + random.nextInt(6);
            String category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
            int pct = 1 + random.nextInt(90);
            send(in, promo, OfferEvents.promotionUpserted(promo, category, region, pct));
            reference.promotionUpserted(promo, category, region, pct);
        } else if (kind < 90) {
            String promo = "P-" + random.nextInt(6);
            send(in, promo, OfferEvents.promotionEnded(promo));
            reference.promotionEnded(promo);
        } else if (kind < 97) {
            boolean yen = random.nextBoolean();
            String currency = yen ? "JPY" : "EUR";
            long rate = yen ? 140_000_000L + random.nextInt(20_000_000) : 900_000L + random.nextInt(100_000);
            int minor = yen ? 0 : 2;
            send(in, currency, OfferEvents.fxRateChanged(currency, rate, minor));
            reference.fxRateChanged(currency, rate, minor);
        } else {
            String promo = "P-bad";
            send(in, promo, OfferEvents.promotionUpserted(promo, "kitchen", region, 95)); // percent_off > 90
            return 1;
        }
        return 0;
    }

    private static void send(TestInputTopic<byte[], byte[]> in, String key, byte[] value) {
        in.pipeInput(key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static DealsReference.Response decode(byte[] envelope) {
        CategoryDealsResponse r = CategoryDealsResponse.getRootAsCategoryDealsResponse(
                ByteBuffer.wrap(ResponseEnvelopes.responseBytes(ResponseEnvelopes.open(envelope))));
        List<DealsReference.Line> lines = new ArrayList<>();
        for (int i = 0; i < r.dealsLength(); i++) {
            Deal d = r.deals(i);
            lines.add(new DealsReference.Line(d.sku(), d.title(), d.priceMinor()));
        }
        return new DealsReference.Response(r.minorUnits(), List.copyOf(lines));
    }
}
