package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreConfig;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewTopic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A full disk, on a real small file system (a 64 MiB tmpfs the test mounts; skipped, saying why, where it cannot
 * mount one): ingest pauses with a clear status and metric while reads go on, and resumes by itself when space
 * returns, both when the floor {@code store.disk.min.free.bytes} stops it before the disk is full and when RocksDB's
 * own writes hit ENOSPC (floor 0), which leaves RocksDB refusing writes until it is reopened.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskFullTest {
    private static final long FLOOR = 8L << 20;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static Path mount;

    @BeforeAll
    static void mountSmallFileSystem() throws Exception {
        mount = Files.createTempDirectory("matstore-diskfull");
        String failure;
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString())
                    .redirectErrorStream(true)
                    .start();
            boolean done = p.waitFor(10, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes());
            failure = done && p.exitValue() == 0 ? null : "mount -t tmpfs failed: " + out.trim();
        } catch (IOException e) {
            failure = "cannot run mount: " + e.getMessage();
        }
        if (failure != null) {
            Files.deleteIfExists(mount);
            mount = null;
        }
        Assumptions.assumeTrue(failure == null, "needs a small file system it can mount (root): " + failure);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mount == null) {
            return;
        }
        try {
            Process p = new ProcessBuilder("umount", mount.toString())
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void shouldPauseIngestBelowTheFloorServeMeanwhileAndResumeWhenSpaceReturns() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("diskfloor", 1, "id");
        KAFKA.createTopic(view.topic(), 1, ViewTopic.compacted());
        Path dataDir = mount.resolve("floor");
        StoreConfig config = StoreConfig.of(dataDir, KAFKA.bootstrapServers())
                .withNearCache(1_000, 1 << 20)
                .withMinFreeDiskBytes(FLOOR);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path filler = mount.resolve("filler-floor");
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                DefaultResponseStore store = DefaultResponseStore.open(config, registry)) {
            putAll(topic, 1);
            store.addVersion(view, Set.of(0), LoadMode.LIVE);
            assertThat(store.awaitCaughtUp("diskfloor", 1, Duration.ofSeconds(60)))
                    .isTrue();
            ViewReader reader = store.version("diskfloor", 1);

            fill(filler, FLOOR / 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> pausedGauge(registry) == 1.0);
            assertThat(store.status("diskfloor", 1).ingestError())
                    .startsWith("ingest paused: disk full: "
                            + dataDir.resolve("diskfloor").resolve("v1") + " has ")
                    .endsWith(" bytes usable < store.disk.min.free.bytes=" + FLOOR
                            + "; reads go on from what is stored, ingest resumes when space returns");
            putAll(topic, 2);
            assertThat(store.awaitCaughtUp("diskfloor", 1, Duration.ofSeconds(2)))
                    .as("paused")
                    .isFalse();
            assertThat(sequence(reader, topic, 5))
                    .as("reads go on, with what was stored")
                    .isEqualTo(1);

            Files.delete(filler);
            assertThat(store.awaitCaughtUp("diskfloor", 1, Duration.ofSeconds(30)))
                    .as("resumed")
                    .isTrue();
            assertThat(sequence(reader, topic, 5)).isEqualTo(2);
            assertThat(store.status("diskfloor", 1).ingestError()).isNull();
            assertThat(pausedGauge(registry)).isZero();
        } finally {
            Files.deleteIfExists(filler);
        }
    }

    @Test
    void shouldReopenRocksDbAfterItsWritesHitAFullDiskAndCatchUp() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("diskenospc", 1, "id");
        KAFKA.createTopic(view.topic(), 1, ViewTopic.compacted());
        Path dataDir = mount.resolve("enospc");
        StoreConfig config = StoreConfig.of(dataDir, KAFKA.bootstrapServers())
                .withNearCache(1_000, 1 << 20)
                .withMinFreeDiskBytes(0);
        Path filler = mount.resolve("filler-enospc");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                DefaultResponseStore store = DefaultResponseStore.open(config, registry)) {
            putAll(topic, 1);
            store.addVersion(view, Set.of(0), LoadMode.LIVE);
            assertThat(store.awaitCaughtUp("diskenospc", 1, Duration.ofSeconds(60)))
                    .isTrue();
            ViewReader reader = store.version("diskenospc", 1);

            fill(filler, 0);
            for (long seq = 2; seq < 40 && store.status("diskenospc", 1).ingestError() == null; seq++) {
                putAll(topic, seq); // the WAL grows until a write finds no room
                store.awaitCaughtUp("diskenospc", 1, Duration.ofMillis(300));
            }
            assertThat(store.status("diskenospc", 1).ingestError()).contains("No space left on device");
            assertThat(ingestErrors(registry)).isPositive();
            long stored = sequence(reader, topic, 5);
            assertThat(stored).as("reads go on").isPositive();

            Files.delete(filler);
            long last = stored + 100;
            putAll(topic, last);
            await().atMost(Duration.ofSeconds(30)).until(() -> sequence(reader, topic, 5) == last);
            assertThat(store.awaitCaughtUp("diskenospc", 1, Duration.ofSeconds(30)))
                    .isTrue();
            assertThat(store.status("diskenospc", 1).ingestError()).isNull();
        } finally {
            Files.deleteIfExists(filler);
        }
    }

    /** Ingest failures so far (each retry that fails again counts one). */
    private static double ingestErrors(SimpleMeterRegistry registry) {
        return registry.get("matstore_ingest_errors").counter().count();
    }

    private static void putAll(ViewTopic topic, long sequence) {
        for (int k = 0; k < 200; k++) {
            topic.put(k, sequence, 1_000);
        }
        topic.flush();
    }

    /** Writes {@code file} until the file system has at most {@code leave} bytes usable. */
    private static void fill(Path file, long leave) throws IOException {
        byte[] chunk = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (Files.getFileStore(file).getUsableSpace() > leave) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (leave > 0 || !String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    private static double pausedGauge(SimpleMeterRegistry registry) {
        return registry.get("matstore_ingest_paused_disk_full").gauge().value();
    }

    /** The update sequence of the response stored for key {@code k} (ViewTopic puts it in computed_at). */
    private static long sequence(ViewReader reader, ViewTopic topic, int k) {
        ByteBuffer dst = ByteBuffer.allocate(8192);
        int n = reader.read(ByteBuffer.wrap(topic.key(k)), dst);
        assertThat(n).isPositive();
        return io.matstore.schemas.ResponseEnvelopes.open(java.util.Arrays.copyOf(dst.array(), n))
                .computedAtMicros();
    }
}
