package io.matstore.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.schemas.fb.ResponseEnvelope;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers hammer a few keys while ingest rewrites them with values of changing sizes (below and above the
 * near-cache's average, so entries move between chunks and between the near-cache and RocksDB-only). Every value
 * carries a checksum of itself; a torn read would fail it. Per key and reader, updates must never go backwards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentReadersTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final int KEYS = 20;
    private static final int UPDATES = 20_000;

    @TempDir
    Path dataDir;

    @Test
    void shouldNeverShowReadersATornOrOlderValueWhileIngestRewritesIt() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("torn", 1, "id");
        KAFKA.createTopic(view.topic(), 1, ViewTopic.compacted());
        StoreConfig config = StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(64, 64 * 1024);
        try (VersionedResponseStore store = ResponseStores.open(config);
                ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            for (int k = 0; k < KEYS; k++) {
                topic.put(k, 0, 100);
            }
            topic.flush();
            store.addVersion(view, Set.of(0));
            store.makeCurrent(view.name(), 1);
            assertThat(store.awaitCaughtUp(view.name(), 1, Duration.ofSeconds(30)))
                    .isTrue();

            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicLong reads = new AtomicLong();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread reader = new Thread(() -> read(store, topic, reading, reads, failures), "reader-" + t);
                reader.start();
                readers.add(reader);
            }
            Random random = new Random(1);
            for (long sequence = 1; sequence <= UPDATES; sequence++) {
                // sizes from 10 B to 12 KiB: around and far above the 1 KiB average, some too big to cache
                topic.put((int) (sequence % KEYS), sequence, 10 + random.nextInt(random.nextBoolean() ? 1000 : 12_000));
            }
            topic.flush();
            assertThat(store.awaitCaughtUp(view.name(), 1, Duration.ofSeconds(60)))
                    .isTrue();
            reading.set(false);
            for (Thread r : readers) {
                r.join(10_000);
            }
            assertThat(failures).isEmpty();
            assertThat(reads.get()).isGreaterThan(10_000);
            ViewStatus status = store.status(view.name(), 1);
            assertThat(status.nearCacheHits()).isPositive();
            assertThat(status.nearCacheMisses()).isPositive();
        }
    }

    private static void read(
            ResponseStore store,
            ViewTopic topic,
            AtomicBoolean reading,
            AtomicLong reads,
            ConcurrentLinkedQueue<String> failures) {
        ByteBuffer key = ByteBuffer.allocateDirect(64);
        ByteBuffer dst = ByteBuffer.allocateDirect(32 * 1024);
        ResponseEnvelope envelope = new ResponseEnvelope();
        long[] lastSeen = new long[KEYS];
        try {
            while (reading.get()) {
                for (int k = 0; k < KEYS; k++) {
                    key.clear();
                    key.put(topic.key(k)).flip();
                    dst.clear();
                    int n = store.current("torn").read(key, dst);
                    if (n < 0 || n > dst.capacity()) {
                        failures.add("key " + k + ": read returned " + n);
                        continue;
                    }
                    ResponseEnvelopes.open(dst.duplicate().limit(n), envelope);
                    ByteBuffer response = envelope.responseAsByteBuffer();
                    ByteBuffer storedKey = envelope.keyAsByteBuffer();
                    if (response == null
                            || !ViewTopic.isWhole(response)
                            || storedKey == null
                            || !storedKey.equals(ByteBuffer.wrap(topic.key(k)))) {
                        failures.add("key " + k + ": torn value of " + n + " bytes");
                        continue;
                    }
                    long sequence = envelope.computedAtMicros();
                    if (sequence < lastSeen[k]) {
                        failures.add("key " + k + ": saw update " + sequence + " after " + lastSeen[k]);
                    }
                    lastSeen[k] = sequence;
                    reads.incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            failures.add(e.toString());
        }
    }
}
