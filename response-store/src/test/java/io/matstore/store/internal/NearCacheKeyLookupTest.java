package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.KeyCodec;
import io.matstore.store.StoreConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader's key, handed to Chronicle as Data hashed straight from the key's memory, finds what the ingest thread
 * stored under the same bytes through Chronicle's own ByteBuffer path: for every key length (the hash reads 8, 4 and
 * 1 bytes at a time), direct and heap keys, keys inside larger buffers, and keys longer than any canonical key. A
 * real Chronicle Map file; a hash that differed from the stored one would turn every hit into a miss.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NearCacheKeyLookupTest {
    @TempDir
    Path dir;

    @Test
    void shouldFindEveryStoredKeyWhateverItsLengthAndBuffer() {
        StoreConfig config = StoreConfig.of(dir, "127.0.0.1:9").withNearCache(1_000, 1 << 22);
        try (NearCache near = NearCache.open(dir, config, Map.of())) {
            for (int length = 1; length <= 80; length++) {
                assertThat(near.put(key(length), value(length), true)).isTrue();
            }
            byte[] tooLong = key(KeyCodec.MAX_KEY_BYTES + 5);
            assertThat(near.put(tooLong, value(999), true)).isTrue();
            ByteBuffer dst = ByteBuffer.allocateDirect(4096);

            for (int length = 1; length <= 80; length++) {
                byte[] k = key(length);
                assertThat(read(near, directAt(k, 0), dst))
                        .as("direct key of %d bytes", length)
                        .isEqualTo(value(length));
                assertThat(read(near, directAt(k, 7), dst))
                        .as("direct key at position 7")
                        .isEqualTo(value(length));
                assertThat(read(near, ByteBuffer.wrap(k), dst))
                        .as("heap key of %d bytes", length)
                        .isEqualTo(value(length));
                assertThat(read(near, heapSlice(k), dst))
                        .as("heap key in a slice")
                        .isEqualTo(value(length));
            }
            assertThat(read(near, directAt(tooLong, 3), dst)).isEqualTo(value(999));
            assertThat(read(near, ByteBuffer.wrap(tooLong), dst)).isEqualTo(value(999));
        }
    }

    @Test
    void shouldMissKeysThatDifferOnlyInTheirLastByteOrLength() {
        StoreConfig config = StoreConfig.of(dir, "127.0.0.1:9").withNearCache(1_000, 1 << 22);
        try (NearCache near = NearCache.open(dir, config, Map.of())) {
            byte[] stored = key(21);
            near.put(stored, value(21), true);
            byte[] lastByte = stored.clone();
            lastByte[20]++;
            ByteBuffer dst = ByteBuffer.allocateDirect(4096);

            assertThat(near.read(directAt(lastByte, 0), dst)).isEqualTo(NearCache.MISS);
            assertThat(near.read(directAt(Arrays.copyOf(stored, 20), 0), dst)).isEqualTo(NearCache.MISS);
            assertThat(near.read(ByteBuffer.wrap(Arrays.copyOf(stored, 22)), dst))
                    .isEqualTo(NearCache.MISS);
            assertThat(read(near, directAt(stored, 0), dst)).isEqualTo(value(21));
        }
    }

    private static byte[] read(NearCache near, ByteBuffer key, ByteBuffer dst) {
        int position = key.position();
        int limit = key.limit();
        int n = near.read(key, dst.clear());
        assertThat(key.position()).as("key position left unchanged").isEqualTo(position);
        assertThat(key.limit()).isEqualTo(limit);
        if (n == NearCache.MISS) {
            return null;
        }
        byte[] out = new byte[n];
        dst.get(0, out);
        return out;
    }

    private static byte[] key(int length) {
        byte[] k = new byte[length];
        for (int i = 0; i < length; i++) {
            k[i] = (byte) (31 * i + length);
        }
        return k;
    }

    private static byte[] value(int seed) {
        return ("value-" + seed + "-".repeat(seed % 50)).getBytes(StandardCharsets.UTF_8);
    }

    /** The key at {@code position} of a larger direct buffer, with bytes after its limit. */
    private static ByteBuffer directAt(byte[] key, int position) {
        ByteBuffer b = ByteBuffer.allocateDirect(position + key.length + 16);
        b.put(position, key);
        return b.position(position).limit(position + key.length);
    }

    /** The key in a slice of a larger heap array (array offset > 0). */
    private static ByteBuffer heapSlice(byte[] key) {
        byte[] wide = new byte[key.length + 12];
        System.arraycopy(key, 0, wide, 5, key.length);
        return ByteBuffer.wrap(wide, 5, key.length).slice();
    }
}
