package io.matstore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.Partitioner;
import io.matstore.schemas.ViewDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions added to and dropped from a held version at run time, over a real broker and real stores: values of an
 * added partition appear and it reports loaded once caught up, values of a dropped one are gone, and a restart in
 * between keeps exactly that state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionMovesTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final int PARTITIONS = 3;
    private static final int KEYS = 300;

    @TempDir
    Path dataDir;

    private final ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);
    private final ByteBuffer dst = ByteBuffer.allocateDirect(64 * 1024);

    private VersionedResponseStore open() {
        return ResponseStores.open(
                StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(1_000, 1 << 20));
    }

    private byte[] read(ViewReader reader, byte[] k) {
        key.clear();
        key.put(k).flip();
        dst.clear();
        int n = reader.read(key, dst);
        if (n == ViewReader.NOT_FOUND) {
            return null;
        }
        byte[] out = new byte[n];
        dst.get(0, out);
        return out;
    }

    /** Every key of the topic answers its envelope when its partition is in {@code held}, and nothing otherwise. */
    private void assertHolds(ViewReader reader, ViewTopic topic, Set<Integer> held, long sequence) {
        for (int i = 0; i < KEYS; i++) {
            int p = Partitioner.partition(topic.key(i), PARTITIONS);
            byte[] value = read(reader, topic.key(i));
            if (held.contains(p)) {
                assertThat(value).as("key %d of held partition %d", i, p).isEqualTo(topic.envelope(i, sequence, 40));
            } else {
                assertThat(value).as("key %d of partition %d, not held", i, p).isNull();
            }
        }
    }

    private static List<Integer> loadedPartitions(VersionedResponseStore store, ViewDescriptor view) {
        return store.status(view.name(), view.version()).partitions().stream()
                .filter(ViewStatus.PartitionStatus::loaded)
                .map(ViewStatus.PartitionStatus::partition)
                .toList();
    }

    private static List<Integer> heldPartitions(VersionedResponseStore store, ViewDescriptor view) {
        return store.status(view.name(), view.version()).partitions().stream()
                .map(ViewStatus.PartitionStatus::partition)
                .toList();
    }

    private static void awaitLoaded(VersionedResponseStore store, ViewDescriptor view, Integer... partitions) {
        Awaitility.await("partitions " + List.of(partitions) + " loaded")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> loadedPartitions(store, view).equals(List.of(partitions)));
    }

    @Test
    void shouldAddThenDropAPartitionOfAHeldVersionAndKeepEachStateAcrossARestart() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("moving", 1, "id");
        KAFKA.createTopic(view.topic(), PARTITIONS, ViewTopic.compacted());
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            for (int i = 0; i < KEYS; i++) {
                topic.put(i, 1, 40);
            }
            topic.flush();
            try (VersionedResponseStore store = open()) {
                store.addVersion(view, Set.of(0, 1));
                store.makeCurrent(view.name(), 1);
                awaitLoaded(store, view, 0, 1);
                assertHolds(store.current(view.name()), topic, Set.of(0, 1), 1);

                store.addPartitions(view.name(), 1, Set.of(2));
                assertThat(heldPartitions(store, view)).containsExactly(0, 1, 2);
                awaitLoaded(store, view, 0, 1, 2);
                assertHolds(store.current(view.name()), topic, Set.of(0, 1, 2), 1);
                assertThat(store.countEntries(view.name(), 1)).isEqualTo(KEYS);
            }
            try (VersionedResponseStore store = open()) {
                assertThat(heldPartitions(store, view)).containsExactly(0, 1, 2);
                assertThat(loadedPartitions(store, view)).containsExactly(0, 1, 2);
                assertHolds(store.current(view.name()), topic, Set.of(0, 1, 2), 1);

                store.dropPartitions(view.name(), 1, Set.of(0), PARTITIONS);
                assertThat(heldPartitions(store, view)).containsExactly(1, 2);
                assertHolds(store.current(view.name()), topic, Set.of(1, 2), 1);
                // the others keep ingesting after the drop
                for (int i = 0; i < KEYS; i++) {
                    topic.put(i, 2, 40);
                }
                topic.flush();
                assertThat(store.awaitCaughtUp(view.name(), 1, Duration.ofSeconds(60)))
                        .isTrue();
                assertHolds(store.current(view.name()), topic, Set.of(1, 2), 2);
            }
            try (VersionedResponseStore store = open()) {
                assertThat(heldPartitions(store, view)).containsExactly(1, 2);
                assertThat(store.awaitCaughtUp(view.name(), 1, Duration.ofSeconds(60)))
                        .isTrue();
                assertHolds(store.current(view.name()), topic, Set.of(1, 2), 2);
                assertThatThrownBy(() -> store.dropPartitions(view.name(), 1, Set.of(1, 2), PARTITIONS))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("drop the version instead");

                store.addPartitions(view.name(), 1, Set.of(0));
                awaitLoaded(store, view, 0, 1, 2);
                assertHolds(store.current(view.name()), topic, Set.of(0, 1, 2), 2);
            }
        }
    }

    @Test
    void shouldHoldAddedPartitionsAtOnceAndReportThemLoadedOnlyOnceCaughtUp() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("adding", 1, "id");
        KAFKA.createTopic(view.topic(), PARTITIONS, ViewTopic.compacted());
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                VersionedResponseStore store = open()) {
            for (int i = 0; i < KEYS; i++) {
                topic.put(i, 1, 40);
            }
            topic.flush();
            store.addVersion(view, Set.of(0));
            store.makeCurrent(view.name(), 1);
            awaitLoaded(store, view, 0);
            store.addPartitions(view.name(), 1, Set.of(1, 2));
            // reported at once as held; loaded only after the ingest caught up on them
            ViewStatus status = store.status(view.name(), 1);
            assertThat(status.partitions())
                    .extracting(ViewStatus.PartitionStatus::partition)
                    .containsExactly(0, 1, 2);
            assertThat(status.loaded()).isTrue();
            // a new consumer has not even fetched yet (tens of ms) when the call returns
            assertThat(status.partitions())
                    .extracting(ViewStatus.PartitionStatus::loaded)
                    .containsExactly(true, false, false);
            awaitLoaded(store, view, 0, 1, 2);
            assertHolds(store.current(view.name()), topic, Set.of(0, 1, 2), 1);
        }
    }
}
