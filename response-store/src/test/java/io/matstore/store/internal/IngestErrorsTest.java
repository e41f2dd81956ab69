package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreConfig;
import io.matstore.store.ViewTopic;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest loop caught only exceptions: an {@link Error} out of a poll ended its thread, silently, and the version
 * stopped ingesting while its status said nothing. Now an error it can survive is retried from the stored offsets
 * like an exception, and a fatal one stops ingest with the reason in the status. The error comes out of the real
 * consumer's poll, through a consumer interceptor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestErrorsTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @AfterEach
    void noErrorLeft() {
        ErrorThrowingInterceptor.NEXT.set(null);
    }

    @Test
    void shouldRetryFromTheStoredOffsetsAfterASurvivableError() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("ingesterror", 1, "id");
        try (DefaultResponseStore store = storeFor(view)) {
            ViewTopic topic = publish(view, 1);
            assertThat(store.awaitCaughtUp("ingesterror", 1, Duration.ofSeconds(60)))
                    .isTrue();

            ErrorThrowingInterceptor.NEXT.set(new StackOverflowError("deep record"));
            for (int k = 0; k < 20; k++) {
                topic.put(k, 2, 50);
            }
            topic.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> ErrorThrowingInterceptor.NEXT.get() == null);
            assertThat(store.awaitCaughtUp("ingesterror", 1, Duration.ofSeconds(30)))
                    .as("ingest goes on")
                    .isTrue();
            assertThat(sequence(store, topic, 19)).isEqualTo(2);
            assertThat(store.status("ingesterror", 1).ingestError()).isNull();
            topic.close();
        }
    }

    @Test
    void shouldStopIngestAndSaySoInTheStatusAfterAFatalError() throws Exception {
        ViewDescriptor view = ViewDescriptor.of("ingestfatal", 1, "id");
        try (DefaultResponseStore store = storeFor(view)) {
            ViewTopic topic = publish(view, 1);
            assertThat(store.awaitCaughtUp("ingestfatal", 1, Duration.ofSeconds(60)))
                    .isTrue();

            ErrorThrowingInterceptor.NEXT.set(new InternalError("a fault in an unsafe memory access"));
            topic.put(3, 2, 50);
            topic.flush();
            // the ingest thread ends with the error uncaught, on purpose: Awaitility would take it for the test's
            await().dontCatchUncaughtExceptions()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> store.status("ingestfatal", 1).ingestError() != null);
            assertThat(store.status("ingestfatal", 1).ingestError())
                    .isEqualTo("ingest stopped by a fatal error,"
                            + " restart the node: java.lang.InternalError: a fault in an unsafe memory access");
            assertThat(store.versionStore("ingestfatal", 1).ingestStoppedByFatalError())
                    .isTrue();
            assertThat(sequence(store, topic, 3))
                    .as("reads go on from what is stored")
                    .isEqualTo(1);
            topic.close();
        }
    }

    private DefaultResponseStore storeFor(ViewDescriptor view) {
        KAFKA.createTopic(view.topic(), 1, ViewTopic.compacted());
        StoreConfig config = StoreConfig.of(dataDir, KAFKA.bootstrapServers())
                .withNearCache(1_000, 1 << 20)
                .withConsumerOverrides(
                        Map.of(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ErrorThrowingInterceptor.class.getName()));
        DefaultResponseStore store = DefaultResponseStore.open(config);
        store.addVersion(view, Set.of(0), LoadMode.LIVE);
        return store;
    }

    private static ViewTopic publish(ViewDescriptor view, long sequence) {
        ViewTopic topic = new ViewTopic(view, KAFKA.bootstrapServers());
        for (int k = 0; k < 20; k++) {
            topic.put(k, sequence, 50);
        }
        topic.flush();
        return topic;
    }

    /** The update sequence of key {@code k}'s stored response (ViewTopic puts it in computed_at). */
    private static long sequence(DefaultResponseStore store, ViewTopic topic, int k) {
        ByteBuffer dst = ByteBuffer.allocate(4096);
        int n = store.versionStore(topic.view().name(), 1).read(ByteBuffer.wrap(topic.key(k)), dst);
        assertThat(n).isPositive();
        return io.matstore.schemas.ResponseEnvelopes.open(java.util.Arrays.copyOf(dst.array(), n))
                .computedAtMicros();
    }
}
