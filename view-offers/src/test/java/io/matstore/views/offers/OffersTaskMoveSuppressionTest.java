package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.schemas.offers.fb.OfferResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Suppression of unchanged responses when tasks move between instances, on a real broker with exactly_once_v2 and
 * two partitions. What a task remembers of its writes is in memory and starts empty with the task (as after a
 * restart): a moved task writes a duplicate of a key's first recomputation, the task that stayed keeps suppressing,
 * nothing is written that no event asked for, and a task that moves away and back does not trust what it knew before
 * (the other instance wrote in between), so no change is dropped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffersTaskMoveSuppressionTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final String SOURCE = "emitted.restart.events";
    private static final int PRODUCTS = 20;
    private static final int KEYS_PER_STOCK_CHANGE = 2; // one region, USD only, two tiers
    private static final int TASKS = 2; // one per partition: validation and compute share a task

    @TempDir
    Path stateDir;

    @Test
    void shouldNeverDropAChangeWhenTasksMoveAndWriteOnlyWhatEventsAskFor() {
        OffersView view = OffersSettings.view(config("a"));
        try (ViewRunner.Running a = ViewRunner.start(view, config("a"))) {
            OffersEvent[] catalogue = new OffersEvent[2 * PRODUCTS];
            for (int i = 0; i < PRODUCTS; i++) {
                catalogue[2 * i] = new OffersEvent.ProductUpserted(sku(i), "Mug " + i, "kitchen", 1_000 + i);
                catalogue[2 * i + 1] = new OffersEvent.StockChanged(sku(i), "us", 5);
            }
            publish(catalogue);
            await().atMost(Duration.ofSeconds(60)).until(() -> a.counters().eventsDone() == 2 * PRODUCTS);

            // A second instance takes tasks from the first; the events below then reach both.
            try (ViewRunner.Running b = ViewRunner.start(view, config("b"))) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> activeTasks(b) > 0 && activeTasks(a) + activeTasks(b) == TASKS);
                long aEmitted = a.counters().emitted();
                long aUnchanged = a.counters().unchanged();
                long aDone = a.counters().eventsDone();

                publish(stockInUs(5)); // what every key already holds
                await().atMost(Duration.ofSeconds(60))
                        .until(() ->
                                a.counters().eventsDone() - aDone + b.counters().eventsDone() == PRODUCTS);
                assertThat(b.counters().emitted())
                        .as("the moved task does not know what it wrote before: duplicates")
                        .isPositive();
                assertThat(b.counters().unchanged()).isZero();
                assertThat(a.counters().emitted())
                        .as("the task that stayed suppresses")
                        .isEqualTo(aEmitted);
                assertThat(a.counters().unchanged() - aUnchanged + b.counters().emitted())
                        .as("nothing written that no event asked for")
                        .isEqualTo(PRODUCTS * KEYS_PER_STOCK_CHANGE);

                long written = a.counters().emitted() + b.counters().emitted();
                publish(stockInUs(0));
                await().atMost(Duration.ofSeconds(60))
                        .until(() ->
                                a.counters().eventsDone() - aDone + b.counters().eventsDone() == 2 * PRODUCTS);
                assertThat(a.counters().emitted() + b.counters().emitted() - written)
                        .as("every key changed: written once")
                        .isEqualTo(PRODUCTS * KEYS_PER_STOCK_CHANGE);
            }

            // The moved task comes back to a, which wrote quantity 5 for its keys before it left: setting 5 again must
            // be written, since b wrote 0 in between.
            await().atMost(Duration.ofSeconds(60)).until(() -> activeTasks(a) == TASKS);
            long aDone = a.counters().eventsDone();
            publish(stockInUs(5));
            await().atMost(Duration.ofSeconds(60)).until(() -> a.counters().eventsDone() - aDone == PRODUCTS);
            // events are done when processed; their records are visible once the transaction commits
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(usQuantities(view))
                            .as("every key back at 5")
                            .containsOnly(5)
                            .hasSize(2 * PRODUCTS));
        }
    }

    private static OffersEvent[] stockInUs(int quantity) {
        OffersEvent[] events = new OffersEvent[PRODUCTS];
        for (int i = 0; i < PRODUCTS; i++) {
            events[i] = new OffersEvent.StockChanged(sku(i), "us", quantity);
        }
        return events;
    }

    private static List<Integer> usQuantities(OffersView view) {
        Map<String, OfferResponse> last =
                OffersTopics.lastResponses(KAFKA.bootstrapServers(), view.descriptor(), "USD");
        return last.entrySet().stream()
                .filter(e -> e.getKey().contains("/us/"))
                .map(e -> e.getValue().quantity())
                .toList();
    }

    private static long activeTasks(ViewRunner.Running job) {
        if (job.streams().state() != KafkaStreams.State.RUNNING) {
            return -1;
        }
        return job.streams().metadataForLocalThreads().stream()
                .mapToLong(t -> t.activeTasks().size())
                .sum();
    }

    private static void publish(OffersEvent... events) {
        OffersTopics.publish(KAFKA.bootstrapServers(), SOURCE, events);
    }

    private static String sku(int i) {
        return String.format("SKU-%03d", i);
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
                        "2",
                        "state.dir",
                        stateDir.resolve(instance).toString(),
                        "http.port",
                        "-1"));
    }
}
