package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewStatus;
import io.matstore.store.ViewTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * kill -9 of a node in the middle of a bulk load: the files then hold ingested runs but no offsets, and a restart
 * must load the version again from an empty state. A key planted in the leftovers (as if its records had been
 * compacted out of the topic since) must be gone afterwards: replaying over the leftovers would keep it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BulkLoadCrashTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    @Test
    void shouldRestartAnInterruptedBulkLoadFromAnEmptyVersion() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("bulkcrash", 1, "id");
        KAFKA.createTopic(view.topic(), 2, ViewTopic.compacted());
        long records = 0;
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            for (int i = 0; i < 120_000; i++) {
                if (i % 11 == 0) {
                    topic.delete(i % 40_000);
                } else {
                    topic.put(i % 40_000, i, 150);
                }
                records++;
            }
            topic.flush();
        }

        Process child = startChild(view);
        try {
            awaitReady(child);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Path dir = dataDir.resolve(view.name()).resolve("v1");
        byte[] planted = KeyCodec.encode(view, "planted");
        try (RocksViewDb leftovers = new RocksViewDb(dir.resolve("rocksdb"), false)) {
            assertThat(leftovers.offsets())
                    .as("killed before the bulk part stored offsets")
                    .isEmpty();
            assertThat(leftovers.hasValues())
                    .as("runs were ingested before the kill")
                    .isTrue();
            try (WriteBatch batch = new WriteBatch()) {
                leftovers.putValue(batch, planted, new byte[] {1, 2, 3});
                leftovers.write(batch);
            }
        }

        try (VersionedResponseStore store = ResponseStores.open(StoreConfig.of(dataDir, KAFKA.bootstrapServers())
                .withNearCache(1_000, 1 << 20)
                .withBulkRunBytes(64 * 1024))) {
            assertThat(store.awaitCaughtUp(view.name(), 1, Duration.ofSeconds(60)))
                    .isTrue();
            ViewStatus status = store.status(view.name(), 1);
            assertThat(status.phase()).isEqualTo(ViewStatus.Phase.LIVE);
            assertThat(status.loadTargetRecords()).isEqualTo(records);
            VersionStore vs = ((DefaultResponseStore) store).versionStore(view.name(), 1);
            assertThat(vs.rocks().getCopy(planted))
                    .as("leftovers cleared before loading again")
                    .isNull();
            assertThat(vs.loadMode()).isEqualTo(LoadMode.BULK);
            BulkLoadTest.assertMatchesTopic(vs, view, 2, KAFKA.bootstrapServers());
        }
    }

    private Process startChild(ViewDescriptor view) throws Exception {
        List<String> command = IngestingChildProcess.javaCommand();
        command.add(BulkLoadingChild.class.getName());
        command.add(dataDir.toString());
        command.add(KAFKA.bootstrapServers());
        command.add(view.name());
        command.add(work.resolve("ready").toString());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("child.log").toFile())
                .start();
    }

    private void awaitReady(Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(work.resolve("ready"))) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("child not ready (alive: " + child.isAlive() + "): "
                        + Files.readString(work.resolve("child.log")));
            }
            Thread.sleep(20);
        }
    }
}
