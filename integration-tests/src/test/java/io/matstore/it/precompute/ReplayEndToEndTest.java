package io.matstore.it.precompute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.replay.Replay;
import io.matstore.precompute.replay.ReplayOptions;
import io.matstore.precompute.replay.ReplayProgress;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersSettings;
import io.matstore.views.offers.OffersView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch replay of offers v2 on a real broker while v1 keeps running and events keep arriving: the replay reaches
 * the end captured at its start, continues live, and v2's final view equals the independent reference for v2, key for
 * key, over every event published (before, during and after the replay); v1's equals the reference for v1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayEndToEndTest {
    // Own broker: a version's consumer group and view topic are named by the view, so they must be new here.
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.perClass();

    private static final int PARTITIONS = 4;
    private static final List<String> REGIONS = OffersView.DEFAULT_REGIONS;
    private static final String SOURCE = "it.replay.offers.events";

    @TempDir
    Path dir;

    private PrecomputeConfig config(int version) {
        return PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC, SOURCE,
                PrecomputeConfig.DEAD_LETTER_TOPIC, SOURCE + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS),
                PrecomputeConfig.STATE_DIR, dir.resolve("state").toString(),
                PrecomputeConfig.VIEW_VERSION, Integer.toString(version)));
    }

    @Test
    void shouldRebuildVersion2WhileVersion1RunsAndEventsKeepArrivingThenFollowLive() throws Exception {
        KAFKA.createTopic(SOURCE, PARTITIONS);
        DemoEventGenerator generator =
                new DemoEventGenerator(250, REGIONS, 20_261_124L, new DemoEventGenerator.Mix(6, 150));
        List<OffersEvent> published = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean keepPublishing = new AtomicBoolean(true);
        AtomicReference<Throwable> publisherFailure = new AtomicReference<>();

        try (KafkaProducer<byte[], byte[]> producer = OffersSource.producer(KAFKA.bootstrapServers());
                ViewRunner.Running v1 = ViewRunner.start(OffersSettings.view(config(1)), config(1))) {
            generator.catalogue(published::add);
            for (int i = 0; i < 1_200; i++) {
                published.add(generator.next());
            }
            published.forEach(e -> OffersSource.send(producer, SOURCE, e));
            producer.flush();
            sent.set(published.size());

            // Events keep arriving, about 250/s, for the whole replay and after it.
            Thread publisher = new Thread(
                    () -> {
                        try {
                            while (keepPublishing.get()) {
                                OffersEvent e = generator.next();
                                published.add(e);
                                OffersSource.send(producer, SOURCE, e);
                                sent.incrementAndGet();
                                Thread.sleep(4);
                            }
                            producer.flush();
                        } catch (Throwable t) {
                            publisherFailure.set(t);
                        }
                    },
                    "it-publisher");
            publisher.start();
            awaitSent(sent, sent.get() + 200); // the live tail is flowing before the replay starts

            int sentBeforeReplay = sent.get();
            int sentAtCaughtUp;
            try (Replay replay =
                    Replay.start(OffersSettings.view(config(2)), config(2), ReplayOptions.fromBeginning())) {
                assertThat(replay.view()).isEqualTo(OffersContract.V2);
                assertThat(replay.progress().total())
                        .as("the captured end covers what was sent before")
                        .isGreaterThanOrEqualTo(sentBeforeReplay);
                assertThat(replay.awaitCaughtUp(Duration.ofSeconds(60)))
                        .as("caught up; %s", replay.progress())
                        .isTrue();
                sentAtCaughtUp = sent.get();
                ReplayProgress done = replay.progress();
                assertThat(done.caughtUp()).isTrue();
                assertThat(done.consumed()).isEqualTo(done.total());
                assertThat(replay.capturedEnd().values().stream()
                                .mapToLong(Long::longValue)
                                .sum())
                        .as("from the beginning: the whole captured log")
                        .isEqualTo(done.total());
                assertThat(sentAtCaughtUp)
                        .as("events kept arriving during the replay")
                        .isGreaterThan(sentBeforeReplay);
                assertThat(v1.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);

                awaitSent(sent, sentAtCaughtUp + 300); // live: more events after the captured end
                keepPublishing.set(false);
                publisher.join();
                assertThat(publisherFailure.get()).isNull();
                assertThat(sent.get()).isGreaterThan(sentAtCaughtUp);

                assertViewReaches(OffersContract.V2, published, 2, replay.job());
                assertThat(replay.job().streams().state())
                        .as("the replayed version continues live")
                        .isEqualTo(KafkaStreams.State.RUNNING);
            }
            assertViewReaches(OffersContract.V1, published, 1, v1);
        } finally {
            keepPublishing.set(false);
        }
    }

    /** Reads the version's view topic until it equals the reference of every published event, then compares. */
    private static void assertViewReaches(
            ViewDescriptor version, List<OffersEvent> events, int referenceVersion, ViewRunner.Running job) {
        OffersReference reference = new OffersReference(REGIONS, referenceVersion);
        events.forEach(reference::apply);
        Map<List<String>, OffersReference.Offer> expected = reference.responses();
        assertThat(expected.size()).as("combinations in the reference").isGreaterThan(5_000);
        Map<List<String>, OffersReference.Offer> actual = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> view =
                OffersViewTopic.readCommitted(KAFKA.bootstrapServers(), version.topic())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!actual.equals(expected)
                    && System.nanoTime() < deadline
                    && job.streams().state() != KafkaStreams.State.ERROR) {
                OffersViewTopic.pollInto(view, version, actual, Duration.ofMillis(300));
            }
        }
        OffersViewTopic.assertSameView(actual, expected);
    }

    private static void awaitSent(AtomicInteger sent, int atLeast) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(sent.get()).as("events sent").isGreaterThanOrEqualTo(atLeast));
    }
}
