package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewTopic;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an ingesting node at random moments, repeatedly, while the view topic keeps changing: after each kill
 * the files must hold exactly the topic folded up to the offsets stored in them (nothing lost, duplicated or
 * reordered), and after the last one the reopened store must catch up to the whole topic.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CrashRecoveryTest {
    static final long NEAR_CACHE_ENTRIES = 5_000;
    private static final int KILLS = 5;
    private static final int KEYS = 400;
    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    @Test
    void shouldReopenAfterEachKillAsExactlyTheTopicPrefixUpToItsStoredOffsets() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("crashing", 1, "id");
        KAFKA.createTopic(view.topic(), PARTITIONS, ViewTopic.compacted());
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong();
        Thread producer = new Thread(() -> produce(view, producing, produced), "producer");
        producer.start();
        Random random = new Random(42);
        long previousTotal = -1;
        Set<Long> distinctTotals = new java.util.HashSet<>();
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                Process child = IngestingChildProcess.start(
                        KAFKA.bootstrapServers(), dataDir, work, view, PARTITIONS, kill, false);
                try {
                    IngestingChildProcess.awaitReady(work, kill, child);
                    Thread.sleep(random.nextInt(1000)); // the random moment of the kill, while ingesting
                } finally {
                    child.destroyForcibly();
                    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
                long total = verifyPrefix(view);
                assertThat(total).as("stored offsets never go back").isGreaterThanOrEqualTo(previousTotal);
                previousTotal = total;
                distinctTotals.add(total);
            }
        } finally {
            producing.set(false);
            producer.join(30_000);
        }
        assertThat(previousTotal).as("the children ingested something").isPositive();
        assertThat(distinctTotals).as("kills left different prefixes").hasSizeGreaterThan(1);

        try (VersionedResponseStore store = ResponseStores.open(config())) {
            assertThat(store.awaitCaughtUp(view.name(), 1, Duration.ofSeconds(60)))
                    .isTrue();
            Map<String, byte[]> expected = ViewTopic.fold(KAFKA.bootstrapServers(), view.topic(), PARTITIONS, null);
            assertEquals(
                    store.current(view.name()), ((DefaultResponseStore) store).versionStore(view.name(), 1), expected);
            assertThat(produced.get()).isGreaterThan(1000);
        }
    }

    private StoreConfig config() {
        return StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(NEAR_CACHE_ENTRIES, 1 << 20);
    }

    /** Opens the files without ingesting, and compares them with the topic folded to their stored offsets. */
    private long verifyPrefix(ViewDescriptor view) {
        Path dir = dataDir.resolve(view.name()).resolve("v1");
        VersionStore vs = new VersionStore(view, Set.of(0, 1), LoadMode.LIVE, dir, config());
        try {
            assertThat(vs.nearCacheTrustedAtOpen())
                    .as("a killed node's near-cache is never trusted")
                    .isFalse();
            Map<Integer, Long> offsets = vs.storedOffsets();
            Map<String, byte[]> expected = ViewTopic.fold(KAFKA.bootstrapServers(), view.topic(), PARTITIONS, offsets);
            assertEquals(vs, vs, expected);
            return offsets.values().stream().mapToLong(Long::longValue).sum();
        } finally {
            vs.closeForDrop();
        }
    }

    private static void assertEquals(ViewReader reader, VersionStore vs, Map<String, byte[]> expected) {
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
            int n = reader.read(key, dst);
            byte[] got = new byte[n];
            dst.get(0, got);
            assertThat(got).as("read of %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    private void produce(ViewDescriptor view, AtomicBoolean producing, AtomicLong produced) {
        Random random = new Random(7);
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            long sequence = 0;
            while (producing.get()) {
                for (int j = 0; j < 50; j++) {
                    int k = random.nextInt(KEYS);
                    sequence++;
                    if (sequence % 23 == 0) {
                        topic.delete(k);
                    } else {
                        topic.put(k, sequence, 20 + random.nextInt(400));
                    }
                }
                produced.addAndGet(50);
                topic.flush();
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
