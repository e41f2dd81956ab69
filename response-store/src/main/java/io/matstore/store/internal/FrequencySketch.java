package io.matstore.store.internal;

import java.nio.ByteBuffer;

/**
 * Approximate access counts of keys (a count-min sketch with 4 rows of saturating byte counters), aged by halving
 * every counter after {@code 10 × capacity} additions so that old popularity fades (as in TinyLFU).
 *
 * <p>Updated by many reader threads without synchronisation: a lost increment only makes a count slightly low, which
 * a sketch tolerates. Allocation-free; memory is {@code 4 × nextPowerOfTwo(8 × capacity)} bytes.
 */
final class FrequencySketch {
    private static final int DEPTH = 4;
    private static final long[] SEEDS = {0x9E3779B97F4A7C15L, 0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L,
        0xD6E8FEB86659FD93L};

    private final byte[] counters;
    private final int mask;
    private final int sampleSize;
    private int additions;

    FrequencySketch(long capacity) {
        int width = Integer.highestOneBit((int) Math.min(1 << 26, Math.max(4096, capacity * 8)) - 1) << 1;
        counters = new byte[DEPTH * width];
        mask = width - 1;
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

    private int index(long hash, int row) {
        long h = mix(hash + SEEDS[row]);
        return row * (mask + 1) + ((int) h & mask);
    }

    void increment(long hash) {
        for (int row = 0; row < DEPTH; row++) {
            int i = index(hash, row);
            byte c = counters[i];
            if (c != Byte.MAX_VALUE) {
                counters[i] = (byte) (c + 1);
            }
        }
        additions++;
    }

    int frequency(long hash) {
        int min = Byte.MAX_VALUE;
        for (int row = 0; row < DEPTH; row++) {
            min = Math.min(min, counters[index(hash, row)]);
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
