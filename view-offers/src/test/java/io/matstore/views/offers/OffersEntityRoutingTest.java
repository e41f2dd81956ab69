package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.precompute.FanOutLimits;
import io.matstore.precompute.ViewTopology;
import io.matstore.schemas.offers.OfferEvents;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Which entity events skip the repartition hop: the topology built for 4 source partitions, while the test driver
 * puts every record on partition 0, so a sku that hashes to partition 0 is in place and any other is misplaced.
 * Both must give the same responses, in their log order.
 */
class OffersEntityRoutingTest {
    private static final int PARTITIONS = 4;

    private static String skuOnPartition(boolean zero) {
        for (int i = 0; ; i++) {
            String sku = "SKU-" + i;
            int p = Utils.toPositive(Utils.murmur2(sku.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if ((p == 0) == zero) {
                return sku;
            }
        }
    }

    private static OffersDriver driver() {
        return new OffersDriver(
                new OffersView(OffersDriver.SOURCE, List.of("us")),
                OpenTelemetry.noop(),
                FanOutLimits.DEFAULTS,
                PARTITIONS);
    }

    private static void productWithStock(OffersDriver driver, String sku) {
        driver.publish(sku, OfferEvents.productUpserted(sku, "Mug", "kitchen", 1000));
        driver.publish(sku, OfferEvents.stockChanged(sku, "us", 5));
        driver.publish(sku, OfferEvents.stockChanged(sku, "us", 7));
    }

    @Test
    void shouldApplyAnEntityEventOnItsKeysPartitionWithoutTheRepartitionHop() {
        String entities = ViewTopology.repartitionTopics(
                        new OffersView(OffersDriver.SOURCE, List.of("us")).descriptor())
                .get(0);
        try (OffersDriver driver = driver()) {
            productWithStock(driver, skuOnPartition(true));

            assertThat(driver.read())
                    .as("the product's two tiers, then each stock change's")
                    .hasSize(6)
                    .last()
                    .satisfies(o -> assertThat(o.response().quantity()).isEqualTo(7));
            assertThat(driver.producedTopics()).doesNotContain(entities);
        }
    }

    @Test
    void shouldRouteAnEntityEventOnAnotherPartitionThroughTheRepartitionHopInLogOrder() {
        String entities = ViewTopology.repartitionTopics(
                        new OffersView(OffersDriver.SOURCE, List.of("us")).descriptor())
                .get(0);
        try (OffersDriver driver = driver()) {
            productWithStock(driver, skuOnPartition(false));

            assertThat(driver.read())
                    .as("the same responses as in place, in the log's order")
                    .hasSize(6)
                    .last()
                    .satisfies(o -> assertThat(o.response().quantity()).isEqualTo(7));
            assertThat(driver.producedTopics()).contains(entities);
        }
    }

    @Test
    void shouldHopEveryEntityEventWhenThePartitionCountIsUnknown() {
        try (OffersDriver driver = new OffersDriver(
                new OffersView(OffersDriver.SOURCE, List.of("us")), OpenTelemetry.noop(), FanOutLimits.DEFAULTS, 0)) {
            String sku = skuOnPartition(true);
            productWithStock(driver, sku);

            assertThat(driver.read()).hasSize(6);
            assertThat(driver.producedTopics())
                    .contains(ViewTopology.repartitionTopics(driver.descriptor).get(0));
        }
    }
}
