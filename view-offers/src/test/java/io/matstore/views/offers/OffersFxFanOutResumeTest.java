package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewRunner;
import io.matstore.schemas.offers.fb.OfferResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chunked FX fan-out on a real broker with exactly_once_v2: the instance running it stops part of the way
 * through, and another instance with an empty state directory (state restored from the changelogs, cursor included)
 * finishes it from the last committed chunk, leaving every combination at the new rate.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffersFxFanOutResumeTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final String SOURCE = "fanout.resume.events";
    private static final int PRODUCTS = 60;
    private static final int PER_PRODUCT = 8; // 4 regions × 2 tiers, one currency
    private static final int CHUNK = 2 * PER_PRODUCT; // 30 chunks, each its own transaction

    @TempDir
    Path stateDir;

    @Test
    void shouldFinishAFanOutCutShortFromItsLastCommittedChunkOnAnotherInstance() throws Exception {
        OffersView view = OffersSettings.view(config("a"));
        long resumedOffered;
        try (ViewRunner.Running first = ViewRunner.start(view, config("a"))) {
            OffersEvent[] catalogue = new OffersEvent[PRODUCTS];
            for (int i = 0; i < PRODUCTS; i++) {
                catalogue[i] = new OffersEvent.ProductUpserted(sku(i), "Mug " + i, "kitchen", basePrice(i));
            }
            OffersTopics.publish(KAFKA.bootstrapServers(), SOURCE, catalogue);
            await().atMost(Duration.ofSeconds(60)).until(() -> first.counters().eventsDone() == PRODUCTS);
            long before = first.counters().emitted();
            OffersTopics.publish(KAFKA.bootstrapServers(), SOURCE, new OffersEvent.FxRateChanged("EUR", 920_000L, 2));
            // stop once two chunks are out, far from the thirtieth
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> first.counters().emitted() - before >= 2 * CHUNK);
        }
        Map<String, OfferResponse> cutShort =
                OffersTopics.lastResponses(KAFKA.bootstrapServers(), view.descriptor(), "EUR");
        assertThat(cutShort.size())
                .as("the first instance stopped part of the way")
                .isBetween(2 * CHUNK, PRODUCTS * PER_PRODUCT - 1);

        try (ViewRunner.Running second = ViewRunner.start(view, config("b"))) {
            ViewCounters counters = second.counters();
            await().atMost(Duration.ofSeconds(90)).until(() -> counters.eventsDone() == 1);
            resumedOffered = counters.emitted() + counters.unchanged();
            Map<String, OfferResponse> done =
                    OffersTopics.lastResponses(KAFKA.bootstrapServers(), view.descriptor(), "EUR");
            assertThat(done).hasSize(PRODUCTS * PER_PRODUCT);
            for (int i = 0; i < PRODUCTS; i++) {
                for (String region : view.regions()) {
                    assertThat(done.get(sku(i) + "/" + region + "/standard").priceMinor())
                            .isEqualTo(Pricing.priceMinor(basePrice(i), 0, 0, 920_000L, 2));
                    assertThat(done.get(sku(i) + "/" + region + "/gold").priceMinor())
                            .isEqualTo(Pricing.priceMinor(basePrice(i), 0, 500, 920_000L, 2));
                }
            }
        }
        assertThat(resumedOffered)
                .as("the second instance went on from the cursor, not from the first product")
                .isLessThanOrEqualTo(PRODUCTS * PER_PRODUCT - cutShort.size() + CHUNK);
    }

    private static String sku(int i) {
        return String.format("SKU-%03d", i);
    }

    private static long basePrice(int i) {
        return 1_000 + 37L * i;
    }

    private PrecomputeConfig config(String instance) {
        return PrecomputeConfig.load(
                List.of(),
                Map.of(),
                Map.of(
                        "bootstrap.servers",
                        KAFKA.bootstrapServers(),
                        "source.topic",
                        SOURCE,
                        "dead.letter.topic",
                        SOURCE + ".dlq",
                        "topic.partitions",
                        "1",
                        "state.dir",
                        stateDir.resolve(instance).toString(),
                        "http.port",
                        "-1",
                        "view.offers." + OffersSettings.FX_FANOUT_CHUNK,
                        Integer.toString(CHUNK)));
    }
}
