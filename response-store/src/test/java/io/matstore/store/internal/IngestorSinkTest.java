package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.StoreConfig;
import io.matstore.store.ViewTopic;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest loop needs of a version only its {@link IngestSink}: run against a sink that keeps records and offsets
 * in memory, over a real broker, it applies every record once, and an ingestor started again on the same sink goes on
 * from the offsets the sink stored (nothing applied twice).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IngestorSinkTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @Test
    void shouldFeedASinkOtherThanAVersionStoreAndResumeFromItsStoredOffsets() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("ingestsink", 1, "id");
        KAFKA.createTopic(view.topic(), 2, ViewTopic.compacted());
        StoreConfig config = StoreConfig.of(dataDir, KAFKA.bootstrapServers());
        MemorySink sink = new MemorySink(view, dataDir);
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            for (int k = 0; k < 20; k++) {
                topic.put(k, 1, 10);
            }
            topic.delete(7);
            topic.flush();

            Ingestor first = new Ingestor(sink, VersionMeters.NONE, config);
            first.start();
            try {
                assertThat(first.awaitCaughtUp(30_000)).isTrue();
            } finally {
                first.stop();
            }
            assertThat(sink.values).hasSize(19).doesNotContainKey(ByteBuffer.wrap(topic.key(7)));
            assertThat(sink.applied).hasValue(21);
            assertThat(sink.caughtUpAt).hasPositiveValue();
            assertThat(sink.offsets).containsOnlyKeys(0, 1);

            topic.put(3, 2, 10);
            topic.flush();
            Ingestor second = new Ingestor(sink, VersionMeters.NONE, config);
            second.start();
            try {
                assertThat(second.awaitCaughtUp(30_000)).isTrue();
            } finally {
                second.stop();
            }
            assertThat(sink.applied).as("only the new record").hasValue(22);
            assertThat(sink.values)
                    .hasSize(19)
                    .containsEntry(ByteBuffer.wrap(topic.key(3)), ByteBuffer.wrap(topic.envelope(3, 2, 10)));
        }
    }

    /** Values and offsets in memory; no bulk part, no near-cache. */
    private static final class MemorySink implements IngestSink {
        final Map<ByteBuffer, ByteBuffer> values = new ConcurrentHashMap<>();
        final Map<Integer, Long> offsets = new ConcurrentHashMap<>();
        final AtomicInteger applied = new AtomicInteger();
        final AtomicLong caughtUpAt = new AtomicLong();
        private final ViewDescriptor view;
        private final Path dir;

        MemorySink(ViewDescriptor view, Path dir) {
            this.view = view;
            this.dir = dir;
        }

        @Override
        public ViewDescriptor descriptor() {
            return view;
        }

        @Override
        public Set<Integer> partitions() {
            return Set.of(0, 1);
        }

        @Override
        public Path dir() {
            return dir;
        }

        @Override
        public Map<Integer, Long> storedOffsets() {
            return new HashMap<>(offsets);
        }

        @Override
        public void apply(List<ConsumerRecord<byte[], byte[]>> records, Map<Integer, Long> nextOffsets) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.value() == null) {
                    values.remove(ByteBuffer.wrap(r.key()));
                } else {
                    values.put(ByteBuffer.wrap(r.key()), ByteBuffer.wrap(r.value()));
                }
            }
            applied.addAndGet(records.size());
            offsets.putAll(nextOffsets);
        }

        @Override
        public void maintainNearCache() {}

        @Override
        public void onCaughtUp(long millis) {
            caughtUpAt.set(millis);
        }

        @Override
        public void resumeWrites() {}

        @Override
        public boolean needsBulkLoad() {
            return false;
        }

        @Override
        public BulkLoader bulkLoader(LoadProgress progress) {
            throw new AssertionError("no bulk part");
        }

        @Override
        public void onBulkLoaded(Map<Integer, Long> nextOffsets) {
            throw new AssertionError("no bulk part");
        }

        @Override
        public void warmNearCache() {
            throw new AssertionError("no bulk part");
        }

        @Override
        public boolean openNearCache() {
            return false;
        }

        @Override
        public void refillNearCache() {
            throw new AssertionError("refill not asked for");
        }
    }
}
