package io.matstore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Two versions of a view side by side; readers keep reading while the current one is switched back and forth. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VersionSwapTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final int KEYS = 50;

    @TempDir
    Path dataDir;

    @Test
    void shouldSwitchVersionsAtomicallyForReadersAndDropTheRetiredOnesFiles() throws Exception {
        ViewDescriptor v1 = ViewDescriptor.of("swapped", 1, "id");
        ViewDescriptor v2 = v1.withVersion(2);
        KAFKA.createTopic(v1.topic(), 2, ViewTopic.compacted());
        KAFKA.createTopic(v2.topic(), 2, ViewTopic.compacted());
        try (ViewTopic t1 = new ViewTopic(v1, KAFKA.bootstrapServers());
                ViewTopic t2 = new ViewTopic(v2, KAFKA.bootstrapServers());
                VersionedResponseStore store = ResponseStores.open(StoreConfig.of(dataDir, KAFKA.bootstrapServers()))) {
            for (int k = 0; k < KEYS; k++) {
                t1.put(k, 1, 100);
                t2.put(k, 2, 200);
            }
            t1.flush();
            t2.flush();
            store.addVersion(v1, Set.of(0, 1));
            store.makeCurrent("swapped", 1);
            assertThat(store.awaitCaughtUp("swapped", 1, Duration.ofSeconds(30)))
                    .isTrue();
            store.addVersion(v2, Set.of(0, 1));
            assertThat(store.awaitCaughtUp("swapped", 2, Duration.ofSeconds(30)))
                    .isTrue();
            assertThat(store.status())
                    .extracting(ViewStatus::version, ViewStatus::current)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1, true),
                            org.assertj.core.groups.Tuple.tuple(2, false));

            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicLongArray seenByVersion = new AtomicLongArray(3);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread r = new Thread(() -> read(store, t1, reading, seenByVersion, failures), "reader-" + t);
                r.start();
                readers.add(r);
            }
            awaitReads(seenByVersion, 1, 1_000);
            assertThat(store.makeCurrent("swapped", 2)).isEqualTo(1);
            awaitReads(seenByVersion, 2, 1_000);
            assertThat(store.rollback("swapped")).isEqualTo(1);
            long v1Reads = seenByVersion.get(1);
            awaitReads(seenByVersion, 1, v1Reads + 1_000);
            assertThat(store.makeCurrent("swapped", 2)).isEqualTo(1);
            long v2Reads = seenByVersion.get(2);
            awaitReads(seenByVersion, 2, v2Reads + 1_000);
            reading.set(false);
            for (Thread r : readers) {
                r.join(10_000);
            }
            assertThat(failures).isEmpty();

            Path v1Dir = dataDir.resolve("swapped").resolve("v1");
            assertThat(v1Dir).exists();
            store.dropVersion("swapped", 1);
            assertThat(v1Dir).doesNotExist();
            assertThat(store.version("swapped", 1)).isNull();
            assertThat(store.status("swapped", 1)).isNull();
            assertThat(store.current("swapped").descriptor()).isEqualTo(v2);
            assertThat(Files.readString(dataDir.resolve("swapped").resolve("current.properties")))
                    .contains("current=2")
                    .contains("previous=0");
        }
        // The current pointer survives a restart.
        try (VersionedResponseStore store = ResponseStores.open(StoreConfig.of(dataDir, KAFKA.bootstrapServers()))) {
            assertThat(store.current("swapped").descriptor()).isEqualTo(v2);
            assertThat(store.version("swapped", 1)).isNull();
        }
    }

    private static void awaitReads(AtomicLongArray seen, int version, long atLeast) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(seen.get(version))
                        .as("reads of version %d", version)
                        .isGreaterThanOrEqualTo(atLeast));
    }

    /** Each lookup asks for the current version, and must get that version's envelope, whole. */
    private static void read(
            ResponseStore store,
            ViewTopic topic,
            AtomicBoolean reading,
            AtomicLongArray seen,
            ConcurrentLinkedQueue<String> failures) {
        ByteBuffer key = ByteBuffer.allocateDirect(64);
        ByteBuffer dst = ByteBuffer.allocateDirect(4096);
        ResponseEnvelope envelope = new ResponseEnvelope();
        try {
            while (reading.get()) {
                for (int k = 0; k < KEYS; k++) {
                    ViewReader reader = store.current("swapped");
                    key.clear();
                    key.put(topic.key(k)).flip();
                    dst.clear();
                    int n = reader.read(key, dst);
                    if (n < 0) {
                        failures.add("key " + k + " missing in " + reader.descriptor());
                        continue;
                    }
                    ResponseEnvelopes.open(dst.duplicate().limit(n), envelope);
                    int version = envelope.viewVersion();
                    if (version != reader.descriptor().version()
                            || !ViewTopic.isWhole(envelope.responseAsByteBuffer())) {
                        failures.add("key " + k + ": version " + version + " from " + reader.descriptor());
                        continue;
                    }
                    seen.incrementAndGet(version);
                }
            }
        } catch (RuntimeException e) {
            failures.add(e.toString());
        }
    }
}
