package io.matstore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.store.internal.DefaultResponseStore;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResponseStoreIngestTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final AtomicInteger VIEWS = new AtomicInteger();
    private static final Set<Integer> ALL = Set.of(0, 1, 2);

    @TempDir
    Path dataDir;

    private final ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);
    private final ByteBuffer dst = ByteBuffer.allocateDirect(64 * 1024);

    private static ViewDescriptor newView() {
        ViewDescriptor view = ViewDescriptor.of("ingest" + VIEWS.incrementAndGet(), 1, "id");
        KAFKA.createTopic(view.topic(), 3, ViewTopic.compacted());
        return view;
    }

    private VersionedResponseStore open() {
        return ResponseStores.open(
                StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(1_000, 1 << 20));
    }

    private static VersionedResponseStore caughtUp(VersionedResponseStore store, ViewDescriptor view)
            throws InterruptedException {
        assertThat(store.awaitCaughtUp(view.name(), view.version(), Duration.ofSeconds(60)))
                .isTrue();
        return store;
    }

    /** Reads a key through the public API; null when not found. */
    private byte[] read(ViewReader reader, byte[] k) {
        key.clear();
        key.put(k).flip();
        dst.clear();
        int n = reader.read(key, dst);
        assertThat(key.position()).isZero();
        assertThat(dst.position()).isZero();
        if (n == ViewReader.NOT_FOUND) {
            return null;
        }
        byte[] out = new byte[n];
        dst.get(0, out);
        return out;
    }

    @Test
    void shouldServeEveryIngestedEnvelopeByCanonicalKey() throws Exception {
        ViewDescriptor view = newView();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            for (int i = 0; i < 300; i++) {
                topic.put(i, 1, 50 + i);
            }
            topic.flush();
            try (VersionedResponseStore store = open()) {
                store.addVersion(view, ALL);
                assertThat(store.current(view.name())).isNull();
                assertThat(store.makeCurrent(view.name(), 1)).isZero();
                caughtUp(store, view);
                ViewReader reader = store.current(view.name());
                for (int i = 0; i < 300; i++) {
                    assertThat(read(reader, topic.key(i))).as("key %d", i).isEqualTo(topic.envelope(i, 1, 50 + i));
                }
                assertThat(read(reader, topic.key(300))).isNull();

                // FlatBuffers reads the copied envelope in place.
                key.clear();
                key.put(topic.key(7)).flip();
                dst.clear();
                int n = reader.read(key, dst);
                ResponseEnvelope envelope =
                        ResponseEnvelopes.open(dst.duplicate().limit(n), new ResponseEnvelope());
                assertThat(envelope.viewName()).isEqualTo(view.name());
                assertThat(envelope.computedAtMicros()).isEqualTo(1);
                assertThat(ViewTopic.isWhole(envelope.responseAsByteBuffer())).isTrue();

                ViewStatus status = store.status(view.name(), 1);
                assertThat(status.current()).isTrue();
                assertThat(status.partitions())
                        .extracting(ViewStatus.PartitionStatus::partition)
                        .containsExactly(0, 1, 2);
                assertThat(status.partitions().stream()
                                .mapToLong(ViewStatus.PartitionStatus::offset)
                                .sum())
                        .isEqualTo(300);
                assertThat(status.totalLag()).isZero();
                assertThat(status.entries()).isBetween(250L, 350L);
                assertThat(status.bytesOnDisk()).isPositive();
                assertThat(status.bytesMapped()).isPositive();
                assertThat(status.nearCacheHits()).isGreaterThanOrEqualTo(300);
                assertThat(status.nearCacheHitRatio()).isGreaterThan(0.9);
                assertThat(status.lastCaughtUpMillis()).isPositive();
                assertThat(status.ingestError()).isNull();
                assertThat(store.status())
                        .extracting(ViewStatus::view, ViewStatus::version)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(view.name(), 1));
            }
        }
    }

    @Test
    void shouldReadHeapBuffersAndReturnNeededLengthWhenDestinationIsTooSmall() throws Exception {
        ViewDescriptor view = newView();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                VersionedResponseStore store = open()) {
            topic.put(1, 1, 500);
            topic.flush();
            store.addVersion(view, ALL);
            caughtUp(store, view);
            ViewReader reader = store.version(view.name(), 1);
            byte[] expected = topic.envelope(1, 1, 500);
            ByteBuffer small = ByteBuffer.allocate(expected.length - 1);
            ByteBuffer heapKey = ByteBuffer.wrap(topic.key(1));
            assertThat(reader.read(heapKey, small)).isEqualTo(expected.length);
            assertThat(small.array()).containsOnly(0);
            ByteBuffer big = ByteBuffer.allocate(expected.length + 10);
            big.position(5);
            assertThat(reader.read(heapKey, big)).isEqualTo(expected.length);
            assertThat(big.position()).isEqualTo(5);
            assertThat(heapKey.position()).isZero();
            byte[] got = new byte[expected.length];
            big.get(5, got);
            assertThat(got).isEqualTo(expected);
        }
    }

    @Test
    void shouldDeleteFromBothTiersOnTombstone() throws Exception {
        ViewDescriptor view = newView();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                VersionedResponseStore store = open()) {
            for (int i = 0; i < 20; i++) {
                topic.put(i, 1, 100);
            }
            topic.flush();
            store.addVersion(view, ALL);
            store.makeCurrent(view.name(), 1);
            caughtUp(store, view);
            ViewReader reader = store.current(view.name());
            assertThat(read(reader, topic.key(3))).isNotNull();
            for (int i = 0; i < 10; i++) {
                topic.delete(i);
            }
            topic.put(5, 2, 100); // deleted then written again: present with the new value
            topic.flush();
            caughtUp(store, view);
            for (int i = 0; i < 10; i++) {
                if (i != 5) {
                    assertThat(read(reader, topic.key(i)))
                            .as("deleted key %d", i)
                            .isNull();
                }
            }
            assertThat(read(reader, topic.key(5))).isEqualTo(topic.envelope(5, 2, 100));
            for (int i = 10; i < 20; i++) {
                assertThat(read(reader, topic.key(i))).isEqualTo(topic.envelope(i, 1, 100));
            }
        }
    }

    @Test
    void shouldNeverApplyRecordsOfAbortedTransactions() throws Exception {
        ViewDescriptor view = newView();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                VersionedResponseStore store = open()) {
            topic.put(1, 1, 10);
            topic.flush();
            topic.sendAborted(
                    List.of(topic.key(1), topic.key(2)), List.of(topic.envelope(1, 99, 10), topic.envelope(2, 99, 10)));
            topic.put(3, 1, 10);
            topic.flush();
            store.addVersion(view, ALL);
            caughtUp(store, view);
            ViewReader reader = store.version(view.name(), 1);
            assertThat(read(reader, topic.key(1))).isEqualTo(topic.envelope(1, 1, 10));
            assertThat(read(reader, topic.key(2))).isNull();
            assertThat(read(reader, topic.key(3))).isEqualTo(topic.envelope(3, 1, 10));
            assertThat(store.status(view.name(), 1).totalLag()).isZero();
        }
    }

    @Test
    void shouldAnswerAtOnceFromWarmNearCacheAfterRestartThenCatchUpFromStoredOffsets() throws Exception {
        ViewDescriptor view = newView();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            for (int i = 0; i < 100; i++) {
                topic.put(i, 1, 200);
            }
            topic.flush();
            Map<Integer, Long> offsetsAtClose;
            try (VersionedResponseStore store = open()) {
                store.addVersion(view, ALL);
                store.makeCurrent(view.name(), 1);
                caughtUp(store, view);
                offsetsAtClose = offsets(store.status(view.name(), 1));
            }
            for (int i = 50; i < 150; i++) {
                topic.put(i, 2, 200); // written while the node is down
            }
            topic.flush();
            try (VersionedResponseStore store = open()) {
                // Reopened without being told again; current survives; the near-cache was closed cleanly.
                DefaultResponseStore internal = (DefaultResponseStore) store;
                assertThat(internal.versionStore(view.name(), 1).nearCacheTrustedAtOpen())
                        .isTrue();
                ViewReader reader = store.current(view.name());
                assertThat(reader).isNotNull();
                assertThat(read(reader, topic.key(10))).isEqualTo(topic.envelope(10, 1, 200));
                caughtUp(store, view);
                for (int i = 0; i < 150; i++) {
                    assertThat(read(reader, topic.key(i)))
                            .as("key %d", i)
                            .isEqualTo(topic.envelope(i, i < 50 ? 1 : 2, 200));
                }
                Map<Integer, Long> now = offsets(store.status(view.name(), 1));
                assertThat(now.values().stream().mapToLong(Long::longValue).sum())
                        .isEqualTo(offsetsAtClose.values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum()
                                + 100);
            }
        }
    }

    /** 100 keys ingested and the store closed cleanly: its near-cache file, which the next open would trust. */
    private Path cleanlyClosedNearCache(ViewDescriptor view, ViewTopic topic) throws Exception {
        for (int i = 0; i < 100; i++) {
            topic.put(i, 1, 300);
        }
        topic.flush();
        try (VersionedResponseStore store = open()) {
            store.addVersion(view, ALL);
            store.makeCurrent(view.name(), 1);
            caughtUp(store, view);
        }
        return dataDir.resolve(view.name()).resolve("v1").resolve("nearcache.dat");
    }

    @Test
    void shouldDetectCorruptNearCacheFileAndServeCorrectValuesFromRocksDb() throws Exception {
        ViewDescriptor view = newView();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            Path file = cleanlyClosedNearCache(view, topic);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                for (long pos = raf.length() / 3; pos < raf.length(); pos += 4096) {
                    raf.seek(pos);
                    raf.write(0x5A); // scribble over what may be entries, headers or free space alike
                }
            }
            assertReopenDistrustsNearCacheAndServesRocksDb(view, topic, "checksum");
        }
    }

    @Test
    void shouldDetectTruncatedNearCacheFileInsteadOfMappingIt() throws Exception {
        ViewDescriptor view = newView();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            Path file = cleanlyClosedNearCache(view, topic);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(raf.length() / 2);
            }
            assertReopenDistrustsNearCacheAndServesRocksDb(view, topic, "truncated");
        }
    }

    private void assertReopenDistrustsNearCacheAndServesRocksDb(ViewDescriptor view, ViewTopic topic, String reason)
            throws InterruptedException {
        try (VersionedResponseStore store = open()) {
            var vs = ((DefaultResponseStore) store).versionStore(view.name(), 1);
            assertThat(vs.nearCacheTrustedAtOpen()).isFalse();
            assertThat(vs.nearCacheDistrustReason()).contains(reason);
            ViewReader reader = store.current(view.name());
            for (int i = 0; i < 100; i++) {
                assertThat(read(reader, topic.key(i))).as("key %d", i).isEqualTo(topic.envelope(i, 1, 300));
            }
            caughtUp(store, view);
        }
    }

    @Test
    void shouldBringARepeatedlyReadKeyNearWhenTheViewIsLargerThanTheNearCache() throws Exception {
        ViewDescriptor view = newView();
        StoreConfig small = StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(16, 16 * 1024);
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                VersionedResponseStore store = ResponseStores.open(small)) {
            for (int i = 0; i < 200; i++) {
                topic.put(i, 1, 200);
            }
            topic.flush();
            store.addVersion(view, ALL);
            caughtUp(store, view);
            ViewReader reader = store.version(view.name(), 1);
            var internal = ((DefaultResponseStore) store).versionStore(view.name(), 1);
            int cold = -1;
            for (int i = 199; i >= 0 && cold < 0; i--) {
                long hitsBefore = store.status(view.name(), 1).nearCacheHits();
                assertThat(read(reader, topic.key(i))).isEqualTo(topic.envelope(i, 1, 200));
                if (store.status(view.name(), 1).nearCacheHits() == hitsBefore) {
                    cold = i;
                }
            }
            assertThat(cold).as("a key only RocksDB holds").isNotNegative();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long hitsBefore;
            do {
                assertThat(System.nanoTime()).as("key %d brought near", cold).isLessThan(deadline);
                hitsBefore = store.status(view.name(), 1).nearCacheHits();
                assertThat(read(reader, topic.key(cold))).isEqualTo(topic.envelope(cold, 1, 200));
                Thread.sleep(5);
            } while (store.status(view.name(), 1).nearCacheHits() == hitsBefore);
            assertThat(internal.nearCacheEntries()).isLessThanOrEqualTo(16);
        }
    }

    @Test
    void shouldRefuseToDropTheCurrentVersionAndRejectReassignment() throws Exception {
        ViewDescriptor view = newView();
        try (VersionedResponseStore store = open()) {
            store.addVersion(view, ALL);
            store.addVersion(view, ALL); // idempotent
            store.makeCurrent(view.name(), 1);
            assertThatThrownBy(() -> store.dropVersion(view.name(), 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("view " + view.name() + " version 1 is current; make another version current first");
            assertThatThrownBy(() -> store.addVersion(view, Set.of(0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("change them with addPartitions and dropPartitions");
            assertThatThrownBy(() -> store.rollback(view.name())).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shouldFailReadsWithStoreExceptionAfterClose() throws Exception {
        ViewDescriptor view = newView();
        ViewReader reader;
        try (VersionedResponseStore store = open()) {
            store.addVersion(view, ALL);
            reader = store.version(view.name(), 1);
        }
        assertThatThrownBy(() -> read(reader, KeyCodec.encode(view, "x")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
    }

    private static Map<Integer, Long> offsets(ViewStatus status) {
        Map<Integer, Long> out = new java.util.HashMap<>();
        for (ViewStatus.PartitionStatus p : status.partitions()) {
            out.put(p.partition(), p.offset());
        }
        return out;
    }

    @Test
    void shouldKeepTheLastCaughtUpTimeOfAVersionReopenedWhileTheBrokerIsUnreachable() throws Exception {
        ViewDescriptor view = newView();
        long caughtUp;
        long closedAt;
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            topic.put(1, 1, 10);
            topic.flush();
            try (VersionedResponseStore store = open()) {
                store.addVersion(view, ALL);
                store.makeCurrent(view.name(), 1);
                caughtUp(store, view);
                caughtUp = store.status(view.name(), 1).lastCaughtUpMillis();
                assertThat(caughtUp).isPositive();
            }
            closedAt = System.currentTimeMillis();
        }
        // nothing listens on port 1: the restart happens during a broker outage
        try (VersionedResponseStore store =
                ResponseStores.open(StoreConfig.of(dataDir, "127.0.0.1:1").withNearCache(1_000, 1 << 20))) {
            ViewStatus status = store.status(view.name(), 1);
            assertThat(status.lastCaughtUpMillis())
                    .as("the time before the restart, not never (0) nor now")
                    .isBetween(caughtUp, closedAt);
        }
    }
}
