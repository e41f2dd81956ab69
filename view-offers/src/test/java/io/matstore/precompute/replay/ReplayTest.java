package io.matstore.precompute.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.cli.PrecomputeMain;
import io.matstore.precompute.ops.OpsHttp;
import io.matstore.schemas.KeyCodec;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.OffersEvent;
import io.matstore.views.offers.OffersEventCodec;
import io.matstore.views.offers.OffersView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Replay} on a real broker: refusals, a replay from a timestamp over transactionally written events (so the
 * source ends in transaction markers), resuming, and the JMX gauge. Each test gets its own broker: a version's
 * consumer group is named by the view alone, so tests sharing a broker would see each other's groups.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReplayTest {
    private static final String SOURCE = "replay.offers.events";
    private static final String GROUP_V2 = "matstore-view-offers-v2";

    @TempDir
    Path dir;

    private EmbeddedKafka kafka;

    private EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.inTempDir().start();
            kafka.createTopic(SOURCE, 2, Map.of());
        }
        return kafka;
    }

    @AfterEach
    void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private PrecomputeConfig config(int version) {
        return PrecomputeConfig.of(Map.of(
                PrecomputeConfig.BOOTSTRAP_SERVERS,
                kafka().bootstrapServers(),
                PrecomputeConfig.SOURCE_TOPIC,
                SOURCE,
                PrecomputeConfig.DEAD_LETTER_TOPIC,
                SOURCE + ".dlq",
                PrecomputeConfig.TOPIC_PARTITIONS,
                "2",
                PrecomputeConfig.STATE_DIR,
                dir.resolve("state").toString(),
                PrecomputeConfig.VIEW_VERSION,
                Integer.toString(version)));
    }

    /** Sends the events in one transaction, each with the given timestamp; the partitions then end in a marker. */
    private void publishTransaction(List<OffersEvent> events, Instant timestamp) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "replay-test-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.initTransactions();
            p.beginTransaction();
            for (OffersEvent e : events) {
                OffersEventCodec.Encoded encoded = OffersEventCodec.encode(e);
                p.send(new ProducerRecord<>(SOURCE, null, timestamp.toEpochMilli(), encoded.key(), encoded.value()));
            }
            p.commitTransaction();
        }
    }

    private static List<OffersEvent> products(String prefix, int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> (OffersEvent) new OffersEvent.ProductUpserted(prefix + i, "t", "c", 100 + i))
                .toList();
    }

    private void setCommitted(String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> request = new HashMap<>();
        offsets.forEach((tp, o) -> request.put(tp, new OffsetAndMetadata(o)));
        try (Admin admin = kafka().admin()) {
            admin.alterConsumerGroupOffsets(group, request).all().get();
        }
    }

    private Map<TopicPartition, Long> committed(String group) throws Exception {
        try (Admin admin = kafka().admin()) {
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .forEach((tp, om) -> out.put(tp, om.offset()));
            return out;
        }
    }

    /** The skus with a response in the view topic, read committed. */
    private Set<String> skusInView(String topic, int expectedRecords) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        Set<String> skus = new HashSet<>();
        int records = 0;
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (records < expectedRecords && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    skus.add(KeyCodec.decode(OffersContract.V2, r.key()).get(0));
                    records++;
                }
            }
        }
        assertThat(records).isEqualTo(expectedRecords);
        return skus;
    }

    private static int run(StringWriter err, String... args) {
        return PrecomputeMain.commandLine().setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void shouldReplayFromATimestampOnlyTheEventsAtOrAfterItAndReachTheEndPastTransactionMarkers() throws Exception {
        Instant now = Instant.now();
        publishTransaction(products("OLD-", 10), now.minusSeconds(7200));
        publishTransaction(products("NEW-", 6), now.minusSeconds(3600));

        try (Replay replay = Replay.start(
                new OffersView(SOURCE, OffersView.DEFAULT_REGIONS, 2),
                config(2),
                ReplayOptions.fromTimestamp(now.minusSeconds(5400)))) {
            // A commit marker carries the time it was written (now), so each partition starts at the old
            // transaction's marker: past the 10 old events, before the 6 new ones.
            assertThat(replay.startOffsets().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(10);
            assertThat(replay.progress().total())
                    .as("2 old markers, 6 events, 2 new markers")
                    .isEqualTo(10);
            assertThat(replay.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
            assertThat(replay.progress()).isEqualTo(new ReplayProgress(10, 10, ReplayProgress.Phase.CAUGHT_UP));
            assertThat(replay.caughtUp().orElseThrow().records()).isEqualTo(10);

            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName bean = new ObjectName("io.matstore.precompute:type=Replay,view=offers,version=2");
            assertThat(jmx.getAttribute(bean, "RemainingRecords")).isEqualTo(0L);
            assertThat(jmx.getAttribute(bean, "TotalRecords")).isEqualTo(10L);
            assertThat(jmx.getAttribute(bean, "CaughtUp")).isEqualTo(true);
            assertThat(jmx.getAttribute(bean, "Phase")).isEqualTo("CAUGHT_UP");

            // 6 products x 4 regions x USD x 2 tiers; nothing of the products before the timestamp.
            assertThat(skusInView(OffersContract.V2.topic(), 48))
                    .containsExactlyInAnyOrder("NEW-0", "NEW-1", "NEW-2", "NEW-3", "NEW-4", "NEW-5");
        }
        assertThat(ManagementFactory.getPlatformMBeanServer()
                        .isRegistered(new ObjectName("io.matstore.precompute:type=Replay,view=offers,version=2")))
                .isFalse();
    }

    @Test
    void shouldPrintTheCaughtUpLineThenKeepRunningLiveUntilStopped() throws Exception {
        publishTransaction(products("P-", 5), Instant.now());
        StringWriter out = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(
                () -> exit.set(PrecomputeMain.commandLine()
                        .setOut(new PrintWriter(out, true))
                        .execute(
                                "replay",
                                "--version",
                                "2",
                                "--set",
                                "bootstrap.servers=" + kafka().bootstrapServers(),
                                "--set",
                                "source.topic=" + SOURCE,
                                "--set",
                                "topic.partitions=2",
                                "--set",
                                "http.port=0",
                                "--set",
                                "state.dir=" + dir.resolve("cli"))),
                "replay-cli");
        cli.start();
        await("the caught-up line, or the command's end")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> out.toString().contains("reached the captured end") || !cli.isAlive());
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0))
                .matches("replay offers v2 from the beginning: [67] records up to the end captured "
                        + "now, into view\\.offers\\.v2");
        assertThat(lines.get(1))
                .matches("ops endpoint on http://127\\.0\\.0\\.1:[0-9]+ \\(/metrics /healthz /readyz\\)");
        String ops =
                lines.get(1).substring("ops endpoint on ".length(), lines.get(1).indexOf(" ("));
        assertThat(OpsHttp.get(ops + "/metrics").body())
                .contains("matstore_precompute_events_total{version=\"2\"," + "view=\"offers\"}");
        assertThat(lines.get(2))
                .matches("replay offers v2 reached the captured end: [67] records in [0-9.]+ s "
                        + "\\([0-9,]+ records/s\\); continuing live, Ctrl-C to stop");

        publishTransaction(products("LIVE-", 1), Instant.now());
        assertThat(skusInView(OffersContract.V2.topic(), 48))
                .as("the command keeps running v2 live")
                .contains("P-0", "LIVE-0");
        assertThat(cli.isAlive()).isTrue();
        cli.interrupt();
        cli.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(cli.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThat(OpsHttp.status(ops + "/healthz"))
                .as("the endpoint stops with the command")
                .isEqualTo(-1);
    }

    @Test
    void shouldRefuseAVersionWhoseGroupHasCommittedOffsetsUnlessResumed() throws Exception {
        publishTransaction(products("P-", 8), Instant.now());
        setCommitted(GROUP_V2, Map.of(new TopicPartition(SOURCE, 0), 1L));
        OffersView v2 = new OffersView(SOURCE, OffersView.DEFAULT_REGIONS, 2);

        assertThatThrownBy(() -> Replay.start(v2, config(2), ReplayOptions.fromBeginning()))
                .isInstanceOf(ReplayRefusedException.class)
                .hasMessage("view offers v2 was started before: its consumer group matstore-view-offers-v2 has "
                        + "committed offsets on 1 partition(s) of [" + SOURCE + "]. Resume it (--resume), or delete "
                        + "the group and the topic view.offers.v2 to rebuild it from scratch.");
        StringWriter err = new StringWriter();
        assertThat(run(
                        err,
                        "replay",
                        "--version",
                        "2",
                        "--set",
                        "bootstrap.servers=" + kafka().bootstrapServers(),
                        "--set",
                        "source.topic=" + SOURCE,
                        "--set",
                        "state.dir=" + dir.resolve("cli")))
                .isEqualTo(3);
        assertThat(err.toString())
                .startsWith("replay refused: view offers v2 was started before: its consumer "
                        + "group matstore-view-offers-v2 has committed offsets");
        assertThat(committed(GROUP_V2))
                .as("a refusal changes nothing")
                .isEqualTo(Map.of(new TopicPartition(SOURCE, 0), 1L));

        try (Replay replay = Replay.start(v2, config(2), ReplayOptions.resuming())) {
            assertThat(replay.startOffsets())
                    .containsEntry(new TopicPartition(SOURCE, 0), 1L)
                    .containsEntry(new TopicPartition(SOURCE, 1), 0L);
            assertThat(replay.progress().total())
                    .as("8 events + 2 markers, less the one committed")
                    .isEqualTo(9);
            assertThat(replay.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(committed(GROUP_V2).get(new TopicPartition(SOURCE, 0))).isGreaterThan(1L);
    }

    @Test
    void shouldRefuseAFreshReplayIntoAViewTopicAnEarlierBuildWrote() throws Exception {
        publishTransaction(products("P-", 4), Instant.now());
        OffersView v2 = new OffersView(SOURCE, OffersView.DEFAULT_REGIONS, 2);
        kafka().createTopic("view.offers.v2", 2, Map.of("cleanup.policy", "compact"));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>("view.offers.v2", 0, new byte[] {1}, new byte[] {2}))
                    .get();
        }

        assertThatThrownBy(() -> Replay.start(v2, config(2), ReplayOptions.fromBeginning()))
                .isInstanceOf(ReplayRefusedException.class)
                .hasMessage("view offers v2 has no consumer group matstore-view-offers-v2 but its topic view.offers.v2"
                        + " already holds committed records (1 partition(s)) from an earlier build: keys that build"
                        + " wrote and this one does not would stay. Delete the topic (and the job's internal topics"
                        + " and state) to rebuild it from scratch, or pick another version.");
        assertThat(committed(GROUP_V2)).as("a refusal changes nothing").isEmpty();
    }

    @Test
    void shouldReplayIntoAViewTopicThatHoldsOnlyAnAbortedAttempt() throws Exception {
        publishTransaction(products("P-", 4), Instant.now());
        OffersView v2 = new OffersView(SOURCE, OffersView.DEFAULT_REGIONS, 2);
        kafka().createTopic("view.offers.v2", 2, Map.of("cleanup.policy", "compact"));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka().bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "killed-attempt"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("view.offers.v2", 0, new byte[] {1}, new byte[] {2}))
                    .get();
            p.abortTransaction();
        }

        try (Replay replay = Replay.start(v2, config(2), ReplayOptions.fromBeginning())) {
            assertThat(replay.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
        }
    }

    @Test
    void shouldRefuseAVersionTheViewDoesNotHaveAndContradictoryOptions() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "replay", "--version", "3")).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("invalid configuration: Invalid value 3 for configuration view.version: "
                        + "the offers view has versions [1, 2]" + System.lineSeparator());

        StringWriter both = new StringWriter();
        assertThat(run(both, "replay", "--version", "2", "--resume", "--from-timestamp", "2026-11-23T10:00:00Z"))
                .isEqualTo(2);
        assertThat(both.toString()).startsWith("--from-timestamp and --resume exclude each other");

        StringWriter badTime = new StringWriter();
        assertThat(run(badTime, "replay", "--version", "2", "--from-timestamp", "yesterday"))
                .isEqualTo(2);
        assertThat(badTime.toString()).contains("'yesterday' is not an ISO-8601 instant such as 2026-11-23T10:00:00Z");

        assertThatThrownBy(() -> new OffersView(SOURCE, OffersView.DEFAULT_REGIONS, 3))
                .hasMessage("view offers has no version 3; versions: [1, 2]");
        assertThat(kafka).as("no broker was needed to refuse").isNull();
    }
}
