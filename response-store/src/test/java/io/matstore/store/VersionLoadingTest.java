package io.matstore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ViewDescriptor;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version is whole only once its first load finished: until then it cannot be swapped in, and what makes it whole
 * survives restarts, so a restarted node does not wait for the broker to trust what it already holds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VersionLoadingTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @Test
    void shouldKnowALoadedVersionFromAPartialOneAcrossRestarts() throws Exception {
        ViewDescriptor bulk = ViewDescriptor.of("loading", 1, "id");
        ViewDescriptor live = bulk.withVersion(2);
        KAFKA.createTopic(bulk.topic(), 2, ViewTopic.compacted());
        KAFKA.createTopic(live.topic(), 2, ViewTopic.compacted());
        try (ViewTopic t1 = new ViewTopic(bulk, KAFKA.bootstrapServers());
                ViewTopic t2 = new ViewTopic(live, KAFKA.bootstrapServers());
                VersionedResponseStore store = ResponseStores.open(StoreConfig.of(dataDir, KAFKA.bootstrapServers()))) {
            for (int k = 0; k < 20; k++) {
                t1.put(k, 1, 100);
                t2.put(k, 2, 100);
            }
            t1.flush();
            t2.flush();
            store.addVersion(bulk, Set.of(0, 1), LoadMode.BULK);
            store.makeCurrent("loading", 1);
            store.addVersion(live, Set.of(0, 1), LoadMode.LIVE);
            assertThat(store.awaitCaughtUp("loading", 1, Duration.ofSeconds(60)))
                    .isTrue();
            assertThat(store.awaitCaughtUp("loading", 2, Duration.ofSeconds(60)))
                    .isTrue();
            assertThat(store.version("loading", 1).loaded()).isTrue();
            assertThat(store.version("loading", 2).loaded()).isTrue();
            assertThat(dataDir.resolve("loading/v1/loading"))
                    .as("the marker goes once loaded")
                    .doesNotExist();
        }

        // Reopened while the broker cannot be reached: both versions are whole at once and answer; a version added
        // now never loads, is not whole, and cannot take over from the current one.
        try (VersionedResponseStore store = ResponseStores.open(StoreConfig.of(dataDir, unreachableBroker()))) {
            assertThat(store.version("loading", 1).loaded()).as("bulk version").isTrue();
            assertThat(store.version("loading", 2).loaded()).as("live version").isTrue();
            assertThat(read(store.current("loading"), bulk, 7)).isPositive();

            store.addVersion(bulk.withVersion(3), Set.of(0, 1), LoadMode.BULK);
            store.addVersion(bulk.withVersion(4), Set.of(0, 1), LoadMode.LIVE);
            assertThat(store.version("loading", 3).loaded()).isFalse();
            assertThat(store.version("loading", 4).loaded()).isFalse();
            assertThat(dataDir.resolve("loading/v3/loading")).exists();
            assertThatThrownBy(() -> store.makeCurrent("loading", 3))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("view loading version 3 is still loading; version 1 keeps answering");
            assertThat(store.makeCurrent("loading", 2))
                    .as("a whole version may")
                    .isEqualTo(1);
            assertThat(store.current("loading").descriptor().version()).isEqualTo(2);
        }
    }

    @Test
    void shouldLetANodesFirstVersionBecomeCurrentBeforeItIsLoaded() throws Exception {
        ViewDescriptor first = ViewDescriptor.of("firstboot", 1, "id");
        try (VersionedResponseStore store = ResponseStores.open(StoreConfig.of(dataDir, unreachableBroker()))) {
            store.addVersion(first, Set.of(0));
            assertThat(store.makeCurrent("firstboot", 1)).isZero();
            assertThat(store.current("firstboot").loaded())
                    .as("answers once loaded: the reader says so")
                    .isFalse();
        }
    }

    private static int read(ViewReader reader, ViewDescriptor view, int id) {
        ByteBuffer key = ByteBuffer.allocateDirect(64);
        key.put(KeyCodec.encode(view, "k" + id)).flip(); // as ViewTopic.key
        return reader.read(key, ByteBuffer.allocateDirect(4096));
    }

    /** A loopback port nobody listens on. */
    private static String unreachableBroker() throws Exception {
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + closed.getLocalPort();
        }
    }
}
