package io.matstore.store.internal;

import java.nio.ByteBuffer;

/**
 * Approximate access counts of keys (a count-min sketch with 4 rows of saturating byte counters), aged by halving
 * every counter after {@code 10 × capacity} additions so that old popularity fades (as in TinyLFU).
 *
 * <p>Used by the ingest thread only: readers record their keys' hashes in a {@link ReadBuffer}, which the ingest
 * thread drains into {@link #increment}. Allocation-free; memory is {@code 4 × nextPowerOfTwo(8 × capacity)} bytes.
 *
 * <p>Every near-cache hit increments (through the buffer), so the layout is chosen for the cache: a key's four counters lie in one
 * 32-byte block (one counter in each 8-byte row of it), and an increment touches one or two adjacent cache lines
 * instead of four random ones (Caffeine's sketch does the same with 64-byte blocks). Before, with four rows each
 * spanning the whole array, the increment was a third of an in-process near-cache hit (NearCacheLatencyRun, counted
 * against uncounted reads). The rows of a block are hashed independently, so keys sharing a block rarely share all
 * four counters.
 * <pre>
 * block b (32 bytes):  | row 0: 8 counters | row 1: 8 counters | row 2: 8 counters | row 3: 8 counters |
 * key k:  b = mix(k) &amp; blockMask;  counter of row r = r * 8 + ((mix(k + seed) &gt;&gt;&gt; 8r) &amp; 7)
 * </pre>
 */
final class FrequencySketch {
    private static final int DEPTH = 4;
    private static final int ROW = 8;
    private static final int BLOCK_SHIFT = 5; // DEPTH * ROW = 32 bytes
    private static final long ROW_SEED = 0xC2B2AE3D27D4EB4FL;

    private final byte[] counters;
    private final int blockMask;
    private final int sampleSize;
    private int additions;

    FrequencySketch(long capacity) {
        int width = Integer.highestOneBit((int) Math.min(1 << 26, Math.max(4096, capacity * 8)) - 1) << 1;
        counters = new byte[DEPTH * width];
        blockMask = (counters.length >> BLOCK_SHIFT) - 1;
        sampleSize = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(1024, capacity * 10));
    }

    /** 64-bit hash of the bytes [position, limit) of {@code key}; position unchanged. */
    static long hash(ByteBuffer key) {
        int p = key.position();
        int end = key.limit();
        long h = 0x27D4EB2F165667C5L ^ (end - p);
        for (; p + 8 <= end; p += 8) {
            h = mix(h ^ key.getLong(p));
        }
        for (; p < end; p++) {
            h = (h ^ (key.get(p) & 0xFF)) * 0x100000001B3L;
        }
        return mix(h);
    }

    static long hash(byte[] key) {
        return hash(ByteBuffer.wrap(key));
    }

    private static long mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        return h ^ (h >>> 29);
    }

    private int block(long hash) {
        return ((int) mix(hash) & blockMask) << BLOCK_SHIFT;
    }

    private static int counter(long rowHash, int row) {
        return row * ROW + ((int) (rowHash >>> (row * 8)) & (ROW - 1));
    }

    void increment(long hash) {
        int block = block(hash);
        long rowHash = mix(hash + ROW_SEED);
        for (int row = 0; row < DEPTH; row++) {
            int i = block + counter(rowHash, row);
            byte c = counters[i];
            if (c != Byte.MAX_VALUE) {
                counters[i] = (byte) (c + 1);
            }
        }
        additions++;
    }

    int frequency(long hash) {
        int block = block(hash);
        long rowHash = mix(hash + ROW_SEED);
        int min = Byte.MAX_VALUE;
        for (int row = 0; row < DEPTH; row++) {
            min = Math.min(min, counters[block + counter(rowHash, row)]);
        }
        return min;
    }

    /** Halves every counter once enough additions happened; called from the ingest thread. */
    void ageIfDue() {
        if (additions < sampleSize) {
            return;
        }
        additions = 0;
        for (int i = 0; i < counters.length; i++) {
            counters[i] = (byte) (counters[i] >> 1);
        }
    }
}
