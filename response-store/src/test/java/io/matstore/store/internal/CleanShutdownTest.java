package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreConfig;
import io.matstore.store.ViewTopic;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stopped with SIGTERM (Ctrl-C, {@code docker stop}, systemd) closes its store from a shutdown hook and must
 * come back warm: the near-cache file is trusted on reopen. This failed while Chronicle Map's own exit hook closed
 * the map first, so the store could never write its clean marker. A node killed with SIGKILL comes back with its
 * near-cache distrusted: it must answer every key right away from RocksDB, then have the near-cache refilled.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CleanShutdownTest {
    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    @Test
    void shouldReopenWarmAfterSigterm() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("stopping", 1, "id");
        KAFKA.createTopic(view.topic(), PARTITIONS, ViewTopic.compacted());
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            for (int i = 0; i < 500; i++) {
                topic.put(i, i, 100);
            }
            topic.flush();
        }
        Process child = IngestingChildProcess.start(KAFKA.bootstrapServers(), dataDir, work, view, PARTITIONS, 0, true);
        try {
            IngestingChildProcess.awaitReady(work, 0, child);
        } finally {
            child.destroy();
            assertThat(child.waitFor(60, TimeUnit.SECONDS))
                    .as("child stops on SIGTERM")
                    .isTrue();
        }
        Path dir = dataDir.resolve(view.name()).resolve("v1");
        assertThat(dir.resolve(NearCache.MARKER))
                .as("clean marker, child log: %s", Files.readString(IngestingChildProcess.log(work, 0)))
                .exists();
        VersionStore reopened = new VersionStore(
                view,
                Set.of(0, 1),
                LoadMode.LIVE,
                dir,
                StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(5_000, 1 << 20));
        try {
            assertThat(reopened.nearCacheTrustedAtOpen()).isTrue();
        } finally {
            reopened.closeForDrop();
        }
    }

    @Test
    void shouldAnswerEveryKeyFromRocksDbAfterKill9AndRefillTheNearCache() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("killed", 1, "id");
        KAFKA.createTopic(view.topic(), PARTITIONS, ViewTopic.compacted());
        int keys = 300;
        byte[][] expected = new byte[keys][];
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            for (int i = 0; i < keys; i++) {
                topic.put(i, i, 100);
                expected[i] = topic.envelope(i, i, 100);
            }
            topic.flush();
        }
        Process child = IngestingChildProcess.start(KAFKA.bootstrapServers(), dataDir, work, view, PARTITIONS, 0, true);
        try {
            IngestingChildProcess.awaitReady(work, 0, child);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child killed").isTrue();
        }
        Path dir = dataDir.resolve(view.name()).resolve("v1");
        assertThat(dir.resolve(NearCache.MARKER)).doesNotExist();
        VersionStore reopened = new VersionStore(
                view,
                Set.of(0, 1),
                LoadMode.LIVE,
                dir,
                StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(5_000, 1 << 20));
        try {
            assertThat(reopened.nearCacheTrustedAtOpen()).isFalse();
            ByteBuffer key = ByteBuffer.allocateDirect(256);
            ByteBuffer dst = ByteBuffer.allocateDirect(16 * 1024);
            try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
                assertReadsAll(reopened, topic, expected, key, dst);
                assertThat(reopened.status(true).nearCacheHits())
                        .as("answered by RocksDB, near-cache empty")
                        .isZero();
                reopened.refillNearCache(); // what the ingest thread does first after such an open
                assertReadsAll(reopened, topic, expected, key, dst);
                assertThat(reopened.status(true).nearCacheHits())
                        .as("answered by the refilled near-cache")
                        .isEqualTo(keys);
            }
        } finally {
            reopened.closeForDrop();
        }
    }

    private static void assertReadsAll(
            VersionStore store, ViewTopic topic, byte[][] expected, ByteBuffer key, ByteBuffer dst) {
        for (int i = 0; i < expected.length; i++) {
            key.clear();
            key.put(topic.key(i)).flip();
            dst.clear();
            int n = store.read(key, dst);
            assertThat(n).as("length of key %d", i).isEqualTo(expected[i].length);
            byte[] got = new byte[n];
            dst.get(0, got);
            assertThat(got).as("value of key %d", i).isEqualTo(expected[i]);
        }
    }
}
