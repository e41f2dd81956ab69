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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A near-cache read that fails is answered from the same version's RocksDB, and the near-cache is left alone until
 * restart (which rebuilds it). The fault: the real Chronicle Map closed under the reader, so its reads throw.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NearCacheReadFailureTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @Test
    void shouldAnswerFromRocksDbWhenTheNearCacheFailsOnARead() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("nearfail", 1, "id");
        KAFKA.createTopic(view.topic(), 1, ViewTopic.compacted());
        StoreConfig config = StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(1_000, 1 << 20);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
                DefaultResponseStore store = DefaultResponseStore.open(config, registry)) {
            for (int k = 0; k < 50; k++) {
                topic.put(k, 1, 100);
            }
            topic.flush();
            store.addVersion(view, Set.of(0), LoadMode.LIVE);
            assertThat(store.awaitCaughtUp("nearfail", 1, Duration.ofSeconds(60)))
                    .isTrue();
            VersionStore vs = store.versionStore("nearfail", 1);
            assertThat(vs.nearCacheEntries()).as("ingest cached the values").isEqualTo(50);
            byte[] before = read(vs, topic.key(3));
            assertThat(store.status("nearfail", 1).nearCacheHits()).isEqualTo(1);

            vs.nearCache().close();

            assertThat(read(vs, topic.key(3))).as("answered from RocksDB").isEqualTo(before);
            assertThat(vs.nearCacheReadErrors()).isEqualTo(1);
            assertThat(vs.nearCacheUsable()).isFalse();
            assertThat(registry.get("matstore_near_cache_read_errors").counter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("matstore_near_cache_usable").gauge().value())
                    .isZero();
            assertThat(read(vs, topic.key(4))).isNotNull();
            assertThat(vs.nearCacheReadErrors()).as("not tried again").isEqualTo(1);

            topic.put(3, 2, 100);
            topic.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> !Arrays.equals(read(vs, topic.key(3)), before));
            assertThat(store.status("nearfail", 1).ingestError())
                    .as("ingest goes on")
                    .isNull();
        }
        try (DefaultResponseStore store = DefaultResponseStore.open(config)) {
            VersionStore vs = store.versionStore("nearfail", 1);
            assertThat(vs.nearCacheTrustedAtOpen())
                    .as("not vouched for at close")
                    .isFalse();
            assertThat(vs.nearCacheUsable()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> vs.nearCacheEntries() == 50);
        }
    }

    private static byte[] read(ViewReader reader, byte[] key) {
        ByteBuffer dst = ByteBuffer.allocate(4096);
        int n = reader.read(ByteBuffer.wrap(key), dst);
        return n == ViewReader.NOT_FOUND ? null : Arrays.copyOf(dst.array(), n);
    }
}
