package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.ValidationOptions;
import io.matstore.store.VersionValidation;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import io.matstore.store.ViewTopic;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk loading of a fresh version against the real broker and real files: the loaded version must be exactly the
 * topic folded (values, tombstones, repeated keys across many runs), live ingest must continue after it, and the
 * current version must keep answering while another version bulk loads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BulkLoadTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final Set<Integer> ALL = Set.of(0, 1, 2);
    /** Keys of the current version in the busy test: far from the start of the key order. */
    private static final int HOT = 50_000;

    @TempDir
    Path dataDir;

    private VersionedResponseStore open(long runBytes) {
        return ResponseStores.open(StoreConfig.of(dataDir, KAFKA.bootstrapServers())
                .withNearCache(1_000, 1 << 20)
                .withBulkRunBytes(runBytes));
    }

    /** Keys 0..keys-1, each written 1-3 times, every 7th then deleted, some deleted and written again. */
    private static long produceMixed(ViewTopic topic, int keys, long sequence) {
        Random random = new Random(sequence);
        long records = 0;
        for (int i = 0; i < keys; i++) {
            int writes = 1 + random.nextInt(3);
            for (int w = 0; w < writes; w++) {
                topic.put(i, ++sequence, 200 + random.nextInt(200));
                records++;
            }
            if (i % 7 == 0) {
                topic.delete(i);
                records++;
            }
            if (i % 21 == 0) {
                topic.put(i, ++sequence, 100);
                records++;
            }
        }
        topic.flush();
        return records;
    }

    @Test
    void shouldBulkLoadExactlyTheTopicFoldedAndThenContinueLive() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("bulkfold", 2, "id");
        KAFKA.createTopic(view.topic(), 3, ViewTopic.compacted());
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                VersionedResponseStore store = open(16 * 1024)) { // ~40 runs: later runs must override earlier ones
            long records = produceMixed(topic, 3_000, 0);
            store.addVersion(view, ALL, LoadMode.BULK);
            assertThat(store.awaitCaughtUp(view.name(), 2, Duration.ofSeconds(60)))
                    .isTrue();

            ViewStatus status = store.status(view.name(), 2);
            assertThat(status.phase()).isEqualTo(ViewStatus.Phase.LIVE);
            assertThat(status.loadTargetRecords()).isEqualTo(records);
            assertThat(status.loadedRecords()).isEqualTo(records);
            assertThat(status.partitions().stream()
                            .mapToLong(ViewStatus.PartitionStatus::offset)
                            .sum())
                    .isEqualTo(records);
            VersionStore vs = ((DefaultResponseStore) store).versionStore(view.name(), 2);
            assertMatchesTopic(vs, view);
            assertThat(vs.countEntries())
                    .isEqualTo(ViewTopic.fold(KAFKA.bootstrapServers(), view.topic(), 3, null)
                            .size());
            assertThat(vs.nearCacheEntries())
                    .as("near-cache filled after the bulk part")
                    .isPositive();
            assertThat(dataDir.resolve("bulkfold/v2/bulk").toFile().list())
                    .as("no run file left")
                    .isEmpty();

            // Live ingest continues from the bulk part's offsets: updates, deletes and new keys.
            produceMixed(topic, 3_300, 1_000_000);
            assertThat(store.awaitCaughtUp(view.name(), 2, Duration.ofSeconds(60)))
                    .isTrue();
            assertMatchesTopic(vs, view);
        }
    }

    @Test
    void shouldLoadTheSameContentInLiveMode() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("livefold", 1, "id");
        KAFKA.createTopic(view.topic(), 3, ViewTopic.compacted());
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                VersionedResponseStore store = open(16 * 1024)) {
            produceMixed(topic, 1_000, 0);
            store.addVersion(view, ALL, LoadMode.LIVE);
            assertThat(store.awaitCaughtUp(view.name(), 1, Duration.ofSeconds(60)))
                    .isTrue();
            ViewStatus status = store.status(view.name(), 1);
            assertThat(status.phase()).isEqualTo(ViewStatus.Phase.LIVE);
            assertThat(status.loadTargetRecords()).as("no bulk part").isZero();
            assertMatchesTopic(((DefaultResponseStore) store).versionStore(view.name(), 1), view);
        }
    }

    @Test
    void shouldKeepAnsweringFromTheCurrentVersionWhileAnotherBulkLoads() throws Exception {
        ViewDescriptor v1 = ViewDescriptor.of("bulkbusy", 1, "id");
        ViewDescriptor v2 = ViewDescriptor.of("bulkbusy", 2, "id");
        KAFKA.createTopic(v1.topic(), 3, ViewTopic.compacted());
        KAFKA.createTopic(v2.topic(), 3, ViewTopic.compacted());
        try (ViewTopic t1 = new ViewTopic(v1, KAFKA.bootstrapServers());
                ViewTopic t2 = new ViewTopic(v2, KAFKA.bootstrapServers());
                VersionedResponseStore store = open(1 << 20)) {
            for (int i = HOT; i < HOT + 500; i++) {
                t1.put(i, 1, 250);
            }
            t1.flush();
            store.addVersion(v1, ALL);
            store.makeCurrent(v1.name(), 1);
            assertThat(store.awaitCaughtUp(v1.name(), 1, Duration.ofSeconds(60)))
                    .isTrue();
            for (int i = 0; i < 60_000; i++) {
                t2.put(i, 2, 250);
            }
            t2.flush();

            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicLong reads = new AtomicLong();
            AtomicReference<String> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> readCurrentUntilStopped(store, t1, reading, reads, failure), "reader");
            reader.start();
            EnumSet<ViewStatus.Phase> seen = EnumSet.noneOf(ViewStatus.Phase.class);
            long maxLoaded = 0;
            store.addVersion(v2, ALL, LoadMode.BULK);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            ViewStatus s;
            do {
                s = store.status(v2.name(), 2);
                seen.add(s.phase());
                if (s.phase() == ViewStatus.Phase.BULK_LOADING) {
                    assertThat(s.loadedRecords()).isLessThanOrEqualTo(s.loadTargetRecords());
                    maxLoaded = Math.max(maxLoaded, s.loadedRecords());
                }
                Thread.sleep(5);
            } while ((s.phase() != ViewStatus.Phase.LIVE || s.loadTargetRecords() == 0)
                    && System.nanoTime() < deadline);
            assertThat(store.awaitCaughtUp(v2.name(), 2, Duration.ofSeconds(60)))
                    .isTrue();
            reading.set(false);
            reader.join();

            assertThat(failure.get()).isNull();
            assertThat(reads.get()).isPositive();
            assertThat(seen).contains(ViewStatus.Phase.BULK_LOADING, ViewStatus.Phase.LIVE);
            assertThat(s.loadTargetRecords()).isEqualTo(60_000);
            assertThat(store.status(v2.name(), 2).loadedRecords()).isEqualTo(60_000);
            assertThat(store.current(v1.name()).descriptor().version()).isEqualTo(1);
            // The near-cache was warmed with the current version's hot keys, not only the first keys in key order.
            // Validating v2 (thousands of sampled reads) must not displace them: its reads are not counted as
            // traffic. Reads of v2 through its ViewReader would be, and would promote other keys in their place.
            new VersionValidation(store, List.of())
                    .validate(v2.name(), 2, new ValidationOptions(5_000, 1.0, 1.0, Duration.ofSeconds(10), 3));
            Thread.sleep(500); // several ingest loops: time to promote, were anything offered
            VersionStore vs2 = ((DefaultResponseStore) store).versionStore(v2.name(), 2);
            for (int i = HOT; i < HOT + 500; i++) {
                assertThat(vs2.nearCache().contains(t2.key(i)))
                        .as("key %d near in v2", i)
                        .isTrue();
            }
            assertMatchesTopic(vs2, v2);
        }
    }

    private static void readCurrentUntilStopped(
            VersionedResponseStore store,
            ViewTopic topic,
            AtomicBoolean reading,
            AtomicLong reads,
            AtomicReference<String> failure) {
        ByteBuffer key = ByteBuffer.allocateDirect(256);
        ByteBuffer dst = ByteBuffer.allocateDirect(4096);
        Random random = new Random(3);
        while (reading.get()) {
            int i = HOT + random.nextInt(500);
            key.clear();
            key.put(topic.key(i)).flip();
            dst.clear();
            try {
                int n = store.current("bulkbusy").read(key, dst);
                if (n != topic.envelope(i, 1, 250).length) {
                    failure.compareAndSet(null, "key " + i + " read " + n + " bytes");
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e.toString());
            }
            reads.incrementAndGet();
        }
    }

    /** Every key RocksDB holds and every read equal the whole topic folded. */
    static void assertMatchesTopic(VersionStore vs, ViewDescriptor view) {
        assertMatchesTopic(vs, view, 3, KAFKA.bootstrapServers());
    }

    static void assertMatchesTopic(VersionStore vs, ViewDescriptor view, int partitions, String bootstrap) {
        Map<String, byte[]> expected = ViewTopic.fold(bootstrap, view.topic(), partitions, null);
        Map<String, byte[]> stored = new HashMap<>();
        vs.rocks().forEach((k, v) -> stored.put(ViewTopic.hex(k), v));
        assertThat(stored.keySet()).isEqualTo(expected.keySet());
        ByteBuffer key = ByteBuffer.allocateDirect(256);
        ByteBuffer dst = ByteBuffer.allocateDirect(16 * 1024);
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertThat(stored.get(e.getKey()))
                    .as("RocksDB value of %s", e.getKey())
                    .isEqualTo(e.getValue());
            key.clear();
            key.put(ViewTopic.unhex(e.getKey())).flip();
            dst.clear();
            int n = vs.read(key, dst);
            assertThat(n).as("read of %s", e.getKey()).isEqualTo(e.getValue().length);
            byte[] got = new byte[n];
            dst.get(0, got);
            assertThat(got).as("read of %s", e.getKey()).isEqualTo(e.getValue());
        }
    }
}
