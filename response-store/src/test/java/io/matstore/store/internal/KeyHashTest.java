package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.store.StoreConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.hash.AbstractData;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The near-cache's own XXH64 is Chronicle's bit for bit (else every hit would be a miss), and it is the function a
 * near-cache map hands its keys' {@code Data} (else the fast path would never run).
 */
class KeyHashTest {
    @TempDir
    Path dir;

    @Test
    void shouldEqualChronicleXxHashForEveryLengthAndAlignment() {
        ByteBuffer memory = ByteBuffer.allocateDirect(400);
        SplittableRandom random = new SplittableRandom(15);
        for (int i = 0; i < memory.capacity(); i++) {
            memory.put(i, (byte) random.nextInt());
        }
        long base = Jvm.address(memory);
        LongHashFunction xx = LongHashFunction.xx_r39();
        for (int offset = 0; offset < 8; offset++) {
            for (int length = 0; length <= 300; length++) {
                assertThat(KeyHash.xx64(base + offset, length))
                        .as("%d bytes at offset %d", length, offset)
                        .isEqualTo(xx.hashMemory(base + offset, length));
            }
        }
    }

    @Test
    void shouldBeTheFunctionANearCacheMapHashesKeysWith() {
        StoreConfig config = StoreConfig.of(dir, "127.0.0.1:9").withNearCache(100, 1 << 20);
        Path file = dir.resolve(NearCache.FILE);
        try (ChronicleMap<ByteBuffer, ByteBuffer> map =
                NearCache.builder(config, file).createPersistedTo(file.toFile())) {
            RecordingKey key = new RecordingKey();
            try (ExternalMapQueryContext<ByteBuffer, ByteBuffer, ?> c = map.queryContext(key)) {
                assertThat(c.entry()).isNull();
            }
            assertThat(key.function).isNotNull();
            assertThat(KeyHash.usableFor(key.function)).isTrue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A one-byte key that records the hash function Chronicle asks it to hash itself with. */
    private static final class RecordingKey extends AbstractData<ByteBuffer> {
        private final ByteBuffer bytes = ByteBuffer.allocateDirect(1).put(0, (byte) 7);
        private final PointerBytesStore memory = new PointerBytesStore();
        LongHashFunction function;

        RecordingKey() {
            memory.set(Jvm.address(bytes), 1);
        }

        @Override
        public RandomDataInput bytes() {
            return memory;
        }

        @Override
        public long offset() {
            return 0;
        }

        @Override
        public long size() {
            return 1;
        }

        @Override
        public long hash(LongHashFunction f) {
            function = f;
            return f.hashMemory(Jvm.address(bytes), 1);
        }

        @Override
        public ByteBuffer get() {
            return bytes;
        }

        @Override
        public ByteBuffer getUsing(ByteBuffer using) {
            return bytes;
        }
    }
}
