package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.StoreConfig;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import io.matstore.store.ViewTopic;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Swap and retire under kill -9: a child JVM ({@link RetiringChild}) swaps between versions 1 and 2 over and over,
 * re-adding the retired one under its old directory name each time, and is killed with {@code destroyForcibly} at
 * random moments. After each kill the store must open with a current version, no quarantine, no leftover directory,
 * and every held version equal to its topic once caught up; a retire cut short must never leave files that the next
 * add of that version reuses. A version cut short inside the rename-then-delete of a retire is also planted directly
 * (the kill rarely lands in those few milliseconds).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SwapRetireCrashTest {
    /**
     * Each kill costs ~15 s (a child JVM's start, one whole swap, a reopen that catches up): one in CI, more with
     * {@code -Dmatstore.crash.kills=N} (3 took 55 s here).
     */
    private static final int KILLS = Integer.getInteger("matstore.crash.kills", 1);

    private static final int KEYS = 50;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    @Test
    void shouldReopenToAWholeCurrentVersionAfterAKillAtAnyMomentOfASwapOrRetire() throws Exception {
        ViewDescriptor v1 = ViewDescriptor.of("retiring", 1, "id");
        for (ViewDescriptor v : List.of(v1, v1.withVersion(2))) {
            KAFKA.createTopic(v.topic(), 1, ViewTopic.compacted());
            try (ViewTopic topic = new ViewTopic(v, KAFKA.bootstrapServers())) {
                for (int k = 0; k < KEYS; k++) {
                    topic.put(k, v.version(), 100);
                }
                topic.flush();
            }
        }
        Random random = new Random(16);
        for (int run = 0; run < KILLS; run++) {
            Process child = start(run);
            try {
                awaitReady(run, child);
                // no sleep API in the way: wait on the child itself, which never exits by itself
                child.waitFor(random.nextInt(1500), TimeUnit.MILLISECONDS);
                assertThat(child.isAlive()).as("child log: %s", log(run)).isTrue();
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            System.out.println("kill " + run + ": "
                    + log(run).lines().filter(l -> l.startsWith("swapped ")).count() + " swaps before it");
            checkReopened(v1, "after kill " + run);
        }
        // a retire cut between its rename and the end of its delete, and a version directory left without manifest
        Path view = dataDir.resolve("retiring");
        Files.createDirectories(view.resolve("retired").resolve("v2.1").resolve("rocksdb"));
        Files.writeString(
                view.resolve("retired").resolve("v2.1").resolve("rocksdb").resolve("000007.sst"), "x");
        int current = currentVersion(v1);
        Path stale = view.resolve("v" + (3 - current));
        if (!Files.exists(stale.resolve(VersionManifest.FILE))) {
            Files.createDirectories(stale.resolve("rocksdb"));
            Files.writeString(stale.resolve("rocksdb").resolve("CURRENT"), "MANIFEST-000099\n");
        }
        checkReopened(v1, "after planted leftovers");
    }

    private int currentVersion(ViewDescriptor v1) {
        try (DefaultResponseStore store = DefaultResponseStore.open(config())) {
            return store.current(v1.name()).descriptor().version();
        }
    }

    private void checkReopened(ViewDescriptor v1, String when) throws Exception {
        try (DefaultResponseStore store = DefaultResponseStore.open(config())) {
            assertThat(store.quarantined()).as(when).isEmpty();
            ViewReader current = store.current(v1.name());
            assertThat(current).as(when + ": a current version").isNotNull();
            Path view = dataDir.resolve(v1.name());
            assertThat(view.resolve("retired")).as(when).doesNotExist();
            try (Stream<Path> dirs = Files.list(view)) {
                for (Path d : dirs.filter(Files::isDirectory).toList()) {
                    assertThat(d.resolve(VersionManifest.FILE))
                            .as(when + ": only held versions")
                            .exists();
                }
            }
            for (ViewStatus s : store.status()) {
                assertThat(store.awaitCaughtUp(v1.name(), s.version(), Duration.ofSeconds(30)))
                        .as(when)
                        .isTrue();
                Map<String, byte[]> expected = ViewTopic.fold(
                        KAFKA.bootstrapServers(), v1.withVersion(s.version()).topic(), 1, null);
                try (ViewTopic topic = new ViewTopic(v1.withVersion(s.version()), KAFKA.bootstrapServers())) {
                    for (int k = 0; k < KEYS; k++) {
                        assertThat(read(store.version(v1.name(), s.version()), topic.key(k)))
                                .as("%s: v%d key %d", when, s.version(), k)
                                .isEqualTo(expected.get(ViewTopic.hex(topic.key(k))));
                    }
                }
            }
        }
    }

    private StoreConfig config() {
        return StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(1_000, 1 << 20);
    }

    private Process start(int run) throws Exception {
        List<String> command = new ArrayList<>(IngestingChildProcess.javaCommand());
        command.add(RetiringChild.class.getName());
        command.add(dataDir.toString());
        command.add(KAFKA.bootstrapServers());
        command.add("retiring");
        command.add(work.resolve("ready-" + run).toString());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("child-" + run + ".log").toFile())
                .start();
    }

    private void awaitReady(int run, Process child) throws Exception {
        Path ready = work.resolve("ready-" + run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready)) {
            assertThat(child.isAlive()).as("child log: %s", log(run)).isTrue();
            assertThat(System.nanoTime()).as("ready within 60 s").isLessThan(deadline);
            child.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    private String log(int run) throws Exception {
        return Files.readString(work.resolve("child-" + run + ".log"));
    }

    private static byte[] read(ViewReader reader, byte[] key) {
        ByteBuffer dst = ByteBuffer.allocate(4096);
        int n = reader.read(ByteBuffer.wrap(key), dst);
        return n == ViewReader.NOT_FOUND ? null : Arrays.copyOf(dst.array(), n);
    }
}
