package io.matstore.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.kafka.local.KafkaBrokerExtension;
import io.matstore.schemas.ViewDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version whose RocksDB cannot be opened (garbage written over a real file of it while the store was closed) must
 * not keep the node from starting: it is moved aside whole for inspection, named in {@link
 * VersionedResponseStore#quarantined()}, and loaded afresh from its view topic, while the view's other versions
 * open and answer as before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnopenableVersionTest {
    private static final int PARTITIONS = 2;
    private static final int KEYS = 300;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @TempDir
    Path dataDir;

    @Test
    void shouldQuarantineAVersionWithACorruptSstFileAndRebuildItFromItsTopic() throws Exception {
        shouldQuarantineAndRebuild("corruptsst", rocksdb -> onlyFile(rocksdb, ".sst"));
    }

    @Test
    void shouldQuarantineAVersionWithACorruptManifestAndRebuildItFromItsTopic() throws Exception {
        shouldQuarantineAndRebuild("corruptmanifest", rocksdb -> onlyFile(rocksdb, "MANIFEST-"));
    }

    private void shouldQuarantineAndRebuild(String name, FileChooser victim) throws Exception {
        ViewDescriptor v1 = ViewDescriptor.of(name, 1, "id");
        ViewDescriptor v2 = v1.withVersion(2);
        KAFKA.createTopic(v1.topic(), PARTITIONS, ViewTopic.compacted());
        KAFKA.createTopic(v2.topic(), PARTITIONS, ViewTopic.compacted());
        try (ViewTopic t1 = new ViewTopic(v1, KAFKA.bootstrapServers());
                ViewTopic t2 = new ViewTopic(v2, KAFKA.bootstrapServers())) {
            for (int k = 0; k < KEYS; k++) {
                t1.put(k, 1, 200);
                t2.put(k, 2, 200);
            }
            t1.delete(7);
            t1.flush();
            t2.flush();
        }
        StoreConfig config = StoreConfig.of(dataDir, KAFKA.bootstrapServers()).withNearCache(1_000, 1 << 20);
        try (VersionedResponseStore store = ResponseStores.open(config)) {
            store.addVersion(v1, Set.of(0, 1)); // bulk: its values are in ingested SST files
            store.addVersion(v2, Set.of(0, 1));
            assertThat(store.awaitCaughtUp(name, 1, Duration.ofSeconds(60))).isTrue();
            assertThat(store.awaitCaughtUp(name, 2, Duration.ofSeconds(60))).isTrue();
            store.makeCurrent(name, 2);
        }
        Path rocksdb = dataDir.resolve(name).resolve("v1").resolve("rocksdb");
        Path corrupt = victim.choose(rocksdb);
        byte[] garbage = new byte[(int) Math.max(64, Files.size(corrupt))];
        new Random(16).nextBytes(garbage);
        Files.write(corrupt, garbage);

        try (VersionedResponseStore store = ResponseStores.open(config)) {
            assertThat(store.quarantined()).hasSize(1);
            QuarantinedVersion q = store.quarantined().get(0);
            assertThat(q.view()).isEqualTo(name);
            assertThat(q.version()).isEqualTo(1);
            assertThat(q.rebuilding()).isTrue();
            assertThat(q.reason()).contains("cannot open RocksDB at " + rocksdb);
            assertThat(q.movedTo().getParent()).isEqualTo(dataDir.resolve(name).resolve("quarantine"));
            assertThat(q.movedTo().resolve("rocksdb").resolve(corrupt.getFileName()))
                    .as("the corrupt file is kept for inspection")
                    .hasBinaryContent(garbage);

            assertThat(store.current(name).descriptor().version())
                    .as("the other version opened")
                    .isEqualTo(2);
            assertThat(read(store.current(name), v2, 5)).isPositive();

            assertThat(store.awaitCaughtUp(name, 1, Duration.ofSeconds(60))).isTrue();
            assertThat(store.version(name, 1).loaded()).isTrue();
            assertThat(store.countEntries(name, 1)).isEqualTo(KEYS - 1);
            Map<String, byte[]> expected = ViewTopic.fold(KAFKA.bootstrapServers(), v1.topic(), PARTITIONS, null);
            try (ViewTopic t1 = new ViewTopic(v1, KAFKA.bootstrapServers())) {
                for (int k = 0; k < KEYS; k++) {
                    byte[] want = expected.get(ViewTopic.hex(t1.key(k)));
                    byte[] got = readBytes(store.version(name, 1), t1.key(k));
                    assertThat(got).as("key %d", k).isEqualTo(want);
                }
            }
        }
        try (VersionedResponseStore store = ResponseStores.open(config)) {
            assertThat(store.quarantined())
                    .as("the rebuilt version opens normally")
                    .isEmpty();
            assertThat(store.countEntries(name, 1)).isEqualTo(KEYS - 1);
        }
    }

    private interface FileChooser {
        Path choose(Path rocksdb) throws IOException;
    }

    private static Path onlyFile(Path dir, String part) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains(part))
                    .sorted()
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + part + " file in " + dir));
        }
    }

    private static int read(ViewReader reader, ViewDescriptor view, int k) {
        ByteBuffer key = ByteBuffer.wrap(io.matstore.schemas.KeyCodec.encode(view, "k" + k));
        return reader.read(key, ByteBuffer.allocate(64 << 10));
    }

    private static byte[] readBytes(ViewReader reader, byte[] key) {
        ByteBuffer dst = ByteBuffer.allocate(64 << 10);
        int n = reader.read(ByteBuffer.wrap(key), dst);
        return n == ViewReader.NOT_FOUND ? null : Arrays.copyOf(dst.array(), n);
    }
}
