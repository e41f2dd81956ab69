package io.matstore.bench.store;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real broker with one compacted view topic of {@code keys} envelopes, and stores ingesting it. Shared by the
 * response-store benchmarks; everything lives in temporary directories removed on {@link #close}.
 */
final class StoreFixture implements AutoCloseable {
    static final ViewDescriptor VIEW = ViewDescriptor.of("bench", 1, "id");
    static final Set<Integer> PARTITIONS = Set.of(0, 1);

    final EmbeddedKafka kafka;
    final int keys;
    private final Path root;

    StoreFixture(int keys, int responseBytes) {
        this.keys = keys;
        try {
            root = Files.createTempDirectory("matstore-bench-store-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka = EmbeddedKafka.inTempDir().start();
        kafka.createTopic(VIEW.topic(), PARTITIONS.size(), Map.of("cleanup.policy", "compact"));
        produce(responseBytes);
    }

    static byte[] key(int i) {
        return KeyCodec.encode(VIEW, "sku-" + i);
    }

    /** Direct buffers holding keys 0..n-1, ready to read (position 0, limit = key length). */
    static ByteBuffer[] directKeys(int n) {
        return directKeys(0, n);
    }

    /** Direct buffers holding keys from..from+n-1. */
    static ByteBuffer[] directKeys(int from, int n) {
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            byte[] k = key(from + i);
            out[i] = ByteBuffer.allocateDirect(k.length).put(k).flip();
        }
        return out;
    }

    private void produce(int responseBytes) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        byte[] response = new byte[responseBytes];
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < keys; i++) {
                response[i % responseBytes] = (byte) i;
                byte[] k = key(i);
                producer.send(new ProducerRecord<>(VIEW.topic(), k, ResponseEnvelopes.encode(VIEW, k, i, i, response)));
            }
            producer.flush();
        }
    }

    Path newDataDir(String name) {
        Path dir = root.resolve(name);
        deleteRecursively(dir);
        return dir;
    }

    StoreConfig config(Path dataDir, long nearCacheEntries, long nearCacheBytes) {
        return StoreConfig.of(dataDir, kafka.bootstrapServers()).withNearCache(nearCacheEntries, nearCacheBytes);
    }

    /** Opens a store over {@code dataDir}, holds the view and waits until it has ingested the whole topic. */
    VersionedResponseStore openCaughtUp(StoreConfig config) {
        VersionedResponseStore store = ResponseStores.open(config);
        store.addVersion(VIEW, PARTITIONS);
        store.makeCurrent(VIEW.name(), VIEW.version());
        awaitCaughtUp(store);
        return store;
    }

    static void awaitCaughtUp(VersionedResponseStore store) {
        try {
            if (!store.awaitCaughtUp(VIEW.name(), VIEW.version(), Duration.ofMinutes(10))) {
                throw new IllegalStateException("store did not catch up in 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kafka.close();
        deleteRecursively(root);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
