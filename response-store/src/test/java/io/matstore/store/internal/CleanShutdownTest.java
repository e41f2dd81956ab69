package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreConfig;
import io.matstore.store.ViewTopic;
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
 * the map first, so the store could never write its clean marker.
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
        Process child = IngestingChildProcess.start(KAFKA.bootstrapServers(), dataDir, work, view, PARTITIONS, 0,
                true);
        try {
            IngestingChildProcess.awaitReady(work, 0, child);
        } finally {
            child.destroy();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child stops on SIGTERM").isTrue();
        }
        Path dir = dataDir.resolve(view.name()).resolve("v1");
        assertThat(dir.resolve(NearCache.MARKER)).as("clean marker, child log: %s",
                Files.readString(IngestingChildProcess.log(work, 0))).exists();
        VersionStore reopened = new VersionStore(view, Set.of(0, 1), LoadMode.LIVE, dir,
                StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(5_000, 1 << 20));
        try {
            assertThat(reopened.nearCacheTrustedAtOpen()).isTrue();
        } finally {
            reopened.closeForDrop();
        }
    }
}
