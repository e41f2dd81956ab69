package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a node adding and dropping a partition over and over while the topic keeps changing: after each kill,
 * once the open has finished an interrupted drop, the files hold exactly the topic folded up to the stored offsets of
 * the partitions the manifest holds, and nothing of the others (a dropped partition's keys are gone, a half-added
 * one is a prefix that resumes).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MoveCrashTest {
    private static final int KILLS = 5;
    private static final int KEYS = 600;
    private static final int PARTITIONS = 3;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    @Test
    void shouldReopenAfterEachKillHoldingExactlyTheManifestsPartitionsAsTopicPrefixes() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("moving-crash", 1, "id");
        KAFKA.createTopic(view.topic(), PARTITIONS, ViewTopic.compacted());
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> produce(view, producing), "producer");
        producer.start();
        Random random = new Random(42);
        Map<Boolean, Integer> heldAtKill = new HashMap<>();
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                Process child = start(view, kill);
                try {
                    awaitReady(kill, child);
                    Thread.sleep(random.nextInt(1500)); // the random moment of the kill, while moving
                } finally {
                    child.destroyForcibly();
                    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
                heldAtKill.merge(verify(view), 1, Integer::sum);
            }
        } finally {
            producing.set(false);
            producer.join(30_000);
        }
        try (VersionedResponseStore store = ResponseStores.open(config())) {
            store.addPartitions(view.name(), 1, Set.of(2));
            Awaitility.await("every partition loaded")
                    .atMost(Duration.ofSeconds(60))
                    .until(() ->
                            store.status(view.name(), 1).partitions().stream().allMatch(p -> p.loaded()));
            assertThat(store.awaitCaughtUp(view.name(), 1, Duration.ofSeconds(60)))
                    .isTrue();
            Map<String, byte[]> expected = ViewTopic.fold(KAFKA.bootstrapServers(), view.topic(), PARTITIONS, null);
            Map<String, byte[]> stored = new HashMap<>();
            ((DefaultResponseStore) store)
                    .versionStore(view.name(), 1)
                    .rocks()
                    .forEach((k, v) -> stored.put(ViewTopic.hex(k), v));
            assertThat(stored).containsOnlyKeys(expected.keySet());
        }
        System.out.println("kills with partition 2 held / not held: " + heldAtKill);
    }

    private StoreConfig config() {
        return StoreConfig.of(dataDir, KAFKA.bootstrapServers())
                .withNearCache(CrashRecoveryTest.NEAR_CACHE_ENTRIES, 1 << 20);
    }

    /**
     * Opens the files as the store does (finishing an interrupted drop) without ingesting, and compares them with
     * the topic folded to the stored offsets.
     *
     * @return whether partition 2 was held at the kill
     */
    private boolean verify(ViewDescriptor view) {
        Path dir = dataDir.resolve(view.name()).resolve("v1");
        VersionManifest m = VersionManifest.read(dir);
        VersionStore vs = new VersionStore(view, m.partitions(), m.loadMode(), dir, config());
        try {
            vs.restore(m);
            vs.finishInterruptedDrop();
            assertThat(VersionManifest.read(dir).dropping()).isEmpty();
            Map<Integer, Long> offsets = vs.storedOffsets();
            assertThat(m.partitions()).containsAll(offsets.keySet()).contains(0, 1);
            Map<String, byte[]> expected = ViewTopic.fold(KAFKA.bootstrapServers(), view.topic(), PARTITIONS, offsets);
            Map<String, byte[]> stored = new HashMap<>();
            vs.rocks().forEach((k, v) -> stored.put(ViewTopic.hex(k), v));
            assertThat(stored.keySet()).isEqualTo(expected.keySet());
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                assertThat(stored.get(e.getKey())).as("value of %s", e.getKey()).isEqualTo(e.getValue());
            }
            return m.partitions().contains(2);
        } finally {
            vs.closeForDrop();
        }
    }

    private Process start(ViewDescriptor view, int run) throws Exception {
        List<String> command = IngestingChildProcess.javaCommand();
        command.add(MovingChild.class.getName());
        command.addAll(List.of(
                dataDir.toString(),
                KAFKA.bootstrapServers(),
                view.name(),
                Integer.toString(PARTITIONS),
                work.resolve("ready-" + run).toString(),
                Integer.toString(run)));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(IngestingChildProcess.log(work, run).toFile())
                .start();
    }

    private void awaitReady(int run, Process child) {
        Awaitility.await("child " + run + " moved a partition once")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!child.isAlive()) {
                        throw new AssertionError("child exited with " + child.exitValue() + ": "
                                + Files.readString(IngestingChildProcess.log(work, run)));
                    }
                    return Files.exists(work.resolve("ready-" + run));
                });
    }

    private static void produce(ViewDescriptor view, AtomicBoolean producing) {
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
                        topic.put(k, sequence, 20 + random.nextInt(200));
                    }
                }
                topic.flush();
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
