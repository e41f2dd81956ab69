package io.matstore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store opened with a registry: freshness measured from record timestamps, ingest health, RocksDB statistics and
 * the consumer's client metrics per view version, and nothing left of a version once it is dropped. Real broker,
 * real RocksDB and Chronicle files, a real (simple) Micrometer registry.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreMetricsTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    private static final AtomicInteger VIEWS = new AtomicInteger();
    private static final Set<Integer> ALL = Set.of(0, 1);

    @TempDir
    Path dataDir;

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private static ViewDescriptor newView() {
        ViewDescriptor view = ViewDescriptor.of("metrics" + VIEWS.incrementAndGet(), 1, "id");
        KAFKA.createTopic(view.topic(), ALL.size(), ViewTopic.compacted());
        return view;
    }

    private Timer freshness(ViewDescriptor view) {
        return registry.find("matstore_freshness")
                .tag("view", view.name())
                .tag("version", Integer.toString(view.version()))
                .timer();
    }

    private double gauge(String name, ViewDescriptor view) {
        return registry.get(name)
                .tag("view", view.name())
                .tag("version", Integer.toString(view.version()))
                .gauge()
                .value();
    }

    private double functionCounter(String name, ViewDescriptor view) {
        return registry.get(name)
                .tag("view", view.name())
                .tag("version", Integer.toString(view.version()))
                .functionCounter()
                .count();
    }

    private double counter(String name, ViewDescriptor view) {
        return registry.get(name)
                .tag("view", view.name())
                .tag("version", Integer.toString(view.version()))
                .counter()
                .count();
    }

    private List<Meter> metersOf(ViewDescriptor view) {
        return registry.getMeters().stream()
                .filter(m -> view.name().equals(m.getId().getTag("view")))
                .filter(m -> Integer.toString(view.version()).equals(m.getId().getTag("version")))
                .toList();
    }

    @Test
    void shouldRecordFreshnessFromTheRecordTimestampOfLiveIngestOnly() throws Exception {
        ViewDescriptor view = newView();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers())) {
            long anHourAgo = System.currentTimeMillis() - 3_600_000;
            for (int i = 0; i < 50; i++) {
                topic.putAt(anHourAgo, i, 1, 20);
            }
            topic.flush();
            try (VersionedResponseStore store = ResponseStores.open(
                    StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(1_000, 1 << 20), registry)) {
                store.addVersion(view, ALL, LoadMode.BULK);
                assertThat(store.awaitCaughtUp(view.name(), view.version(), Duration.ofSeconds(60)))
                        .isTrue();
                assertThat(store.version(view.name(), view.version()).loaded()).isTrue();
                assertThat(freshness(view).count())
                        .as("the bulk part is loading, not freshness")
                        .isZero();

                long twoSecondsAgo = System.currentTimeMillis() - 2_000;
                for (int i = 0; i < 10; i++) {
                    topic.putAt(twoSecondsAgo, i, 2, 20);
                }
                topic.flush();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> freshness(view).count() == 10);
                Timer t = freshness(view);
                assertThat(t.max(TimeUnit.MILLISECONDS)).isBetween(2_000.0, 60_000.0);
                assertThat(t.mean(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(2_000.0);
                CountAtBucket[] buckets = t.takeSnapshot().histogramCounts();
                assertThat(buckets)
                        .extracting(CountAtBucket::bucket)
                        .contains(1e6, 1e9, 30e9, 3600e9); // nanoseconds: 1 ms, 1 s, 30 s, 1 h
                for (CountAtBucket b : buckets) {
                    if (b.bucket(TimeUnit.MILLISECONDS) < 2_000) {
                        assertThat(b.count())
                                .as("≤ %s ms", b.bucket(TimeUnit.MILLISECONDS))
                                .isZero();
                    }
                }
                assertThat(counter("matstore_ingest_errors", view)).isZero();
            }
        }
    }

    @Test
    void shouldExportRocksDbStatisticsAndRemoveEveryMeterOfADroppedVersion() throws Exception {
        ViewDescriptor v1 = newView();
        ViewDescriptor v2 = v1.withVersion(2);
        KAFKA.createTopic(v2.topic(), ALL.size(), ViewTopic.compacted());
        try (ViewTopic topic1 = new ViewTopic(v1, KAFKA.bootstrapServers());
                ViewTopic topic2 = new ViewTopic(v2, KAFKA.bootstrapServers())) {
            for (int i = 0; i < 200; i++) {
                topic1.put(i, 1, 100);
                topic2.put(i, 1, 100);
            }
            topic1.flush();
            topic2.flush();
            // Near-cache room for 16 entries: most reads go to RocksDB's files through its block cache.
            try (VersionedResponseStore store = ResponseStores.open(
                    StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(16, 16 * 1024), registry)) {
                store.addVersion(v1, ALL);
                store.addVersion(v2, ALL);
                store.makeCurrent(v1.name(), 1);
                assertThat(store.awaitCaughtUp(v1.name(), 1, Duration.ofSeconds(60)))
                        .isTrue();
                assertThat(store.awaitCaughtUp(v2.name(), 2, Duration.ofSeconds(60)))
                        .isTrue();
                ViewReader reader = store.current(v1.name());
                ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);
                ByteBuffer dst = ByteBuffer.allocateDirect(4096);
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < 200; i++) {
                        key.clear();
                        key.put(topic1.key(i)).flip();
                        assertThat(reader.read(key, dst)).isPositive();
                    }
                }
                assertThat(functionCounter("matstore_rocksdb_block_cache_misses", v1))
                        .isPositive();
                assertThat(functionCounter("matstore_rocksdb_block_cache_hits", v1))
                        .isPositive();
                assertThat(functionCounter("matstore_rocksdb_write_stall_seconds", v1))
                        .isZero();
                assertThat(gauge("matstore_rocksdb_write_stopped", v1)).isZero();
                assertThat(gauge("matstore_rocksdb_pending_compaction_bytes", v1))
                        .isGreaterThanOrEqualTo(0);
                assertThat(gauge("matstore_ingest_failing", v1)).isZero();
                assertThat(metersOf(v1))
                        .as("the ingest consumer's client metrics")
                        .anySatisfy(m -> assertThat(m.getId().getName()).startsWith("kafka.consumer."));

                store.makeCurrent(v2.name(), 2);
                store.dropVersion(v1.name(), 1);
                assertThat(metersOf(v1)).as("a dropped version leaves no meter").isEmpty();
                assertThat(metersOf(v2))
                        .extracting(m -> m.getId().getName())
                        .contains("matstore_freshness", "matstore_rocksdb_block_cache_hits")
                        .anySatisfy(name -> assertThat(name).startsWith("kafka.consumer."));
            }
            assertThat(metersOf(v2)).as("a closed store leaves no meter").isEmpty();
        }
    }

    @Test
    void shouldCountIngestFailuresAndSayIngestIsFailing() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("failing" + VIEWS.incrementAndGet(), 1, "id");
        StoreConfig defaults = StoreConfig.of(dataDir, unreachableBroker());
        // Without a broker the consumer's first blocking call (position) gives up after default.api.timeout.ms.
        StoreConfig config = new StoreConfig(
                dataDir,
                defaults.bootstrapServers(),
                defaults.nearCacheEntries(),
                defaults.nearCacheBytes(),
                defaults.averageKeyBytes(),
                false,
                defaults.pollTimeout(),
                Map.of(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000"),
                defaults.bulkRunBytes());
        try (VersionedResponseStore store = ResponseStores.open(config, registry)) {
            store.addVersion(view, Set.of(0), LoadMode.LIVE);
            await().atMost(Duration.ofSeconds(30)).until(() -> counter("matstore_ingest_errors", view) >= 1);
            assertThat(gauge("matstore_ingest_failing", view)).isEqualTo(1);
            assertThat(store.status(view.name(), 1).ingestError()).isNotNull();
        }
    }

    /** A loopback port nobody listens on. */
    private static String unreachableBroker() throws Exception {
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + closed.getLocalPort();
        }
    }
}
