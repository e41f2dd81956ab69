package io.matstore.precompute.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ops.PrecomputeMetrics;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersTopics;
import io.matstore.views.offers.OffersView;
import io.matstore.views.offers.Pricing;
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
 * A replay over a history that ends with FX changes over many more combinations than the chunk: the source and
 * repartition offsets are committed with the first chunk of the walk, so only the pending fan-out gauge tells the
 * replay that prices are still being rewritten. On the shared broker as version 2: a version's consumer group is
 * named by the view alone, and the other user of the shared broker in this module runs version 1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayFxFanOutTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final String SOURCE = "replay.fanout.events";
    // 60 chunks, one per 5 ms punctuation and one commit each: the walk lasts well over the 1 ms poll below.
    private static final int PRODUCTS = 60;
    private static final int PER_PRODUCT = 8; // 4 regions × 2 tiers, one currency
    // One product per chunk: each its own punctuation and commit, so the walk outlasts many polls.
    private static final int CHUNK = PER_PRODUCT;
    private static final long OLD_RATE = 920_000L;
    private static final long NEW_RATE = 950_000L;
    private static final String PENDING = "matstore_precompute_fanouts_pending{version=\"2\",view=\"offers\"} ";

    @TempDir
    Path dir;

    @Test
    void shouldNotBeCaughtUpUntilTheLastChunkOfAFanOutIsCommitted() throws Exception {
        KAFKA.createTopic(SOURCE, 1);
        OffersEvent[] history = new OffersEvent[PRODUCTS + 2];
        for (int i = 0; i < PRODUCTS; i++) {
            history[i] = new OffersEvent.ProductUpserted(sku(i), "Mug " + i, "kitchen", basePrice(i));
        }
        history[PRODUCTS] = new OffersEvent.FxRateChanged("EUR", OLD_RATE, 2);
        history[PRODUCTS + 1] = new OffersEvent.FxRateChanged("EUR", NEW_RATE, 2);
        OffersTopics.publish(KAFKA.bootstrapServers(), SOURCE, history);

        PrecomputeConfig config = config();
        try (Replay replay = Replay.start(
                        OffersSettings.view(config),
                        config,
                        ReplayOptions.fromBeginning().withPollInterval(Duration.ofMillis(20)));
                PrecomputeMetrics metrics = new PrecomputeMetrics()) {
            metrics.bind(replay.job());
            ReplayProgress[] seenWhilePending = new ReplayProgress[1];
            ViewCounters live = replay.job().counters();
            await("the pending fan-out count at 1")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        ReplayProgress before = replay.progress(); // read first: CAUGHT_UP never goes back
                        seenWhilePending[0] = before;
                        return live.fanOutsPending() == 1;
                    });
            assertThat(seenWhilePending[0].phase())
                    .as("not caught up while a walk is pending")
                    .isNotEqualTo(ReplayProgress.Phase.CAUGHT_UP);

            assertThat(replay.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            // Read at once: without the gauge the replay is declared caught up one chunk into the walk.
            Map<String, OfferResponse> view =
                    OffersTopics.lastResponses(KAFKA.bootstrapServers(), OffersContract.V2, "EUR");
            ViewCounters counters = replay.job().counters();
            assertThat(counters.fanOutsPending()).isZero();
            assertThat(metrics.scrape()).contains(PENDING + "0.0");
            assertThat(counters.eventsDone()).as("both FX events done").isEqualTo(counters.events());
            assertThat(view).hasSize(PRODUCTS * PER_PRODUCT);
            for (int i = 0; i < PRODUCTS; i++) {
                long listPrice = Pricing.priceMinor(basePrice(i), 0, 0, NEW_RATE, 2);
                for (String region : OffersView.DEFAULT_REGIONS) {
                    for (String tier : List.of("standard", "gold")) {
                        assertThat(view.get(sku(i) + "/" + region + "/" + tier).listPriceMinor())
                                .as("%s/%s/%s at the new rate", sku(i), region, tier)
                                .isEqualTo(listPrice);
                    }
                }
            }
        }
    }

    private PrecomputeConfig config() {
        return PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS,
                KAFKA.bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC,
                SOURCE,
                PrecomputeConfig.DEAD_LETTER_TOPIC,
                SOURCE + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS,
                "1",
                PrecomputeConfig.STATE_DIR,
                dir.resolve("state").toString(),
                PrecomputeConfig.VIEW_VERSION,
                "2",
                "view.offers." + OffersSettings.FX_FANOUT_CHUNK,
                Integer.toString(CHUNK)));
    }

    private static String sku(int i) {
        return String.format("SKU-%03d", i);
    }

    private static long basePrice(int i) {
        return 1_000 + 37L * i;
    }
}
