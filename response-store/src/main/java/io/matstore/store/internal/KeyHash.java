package io.matstore.store.internal;

import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.core.UnsafeMemory;

/**
 * XXH64 (revision 39, seed 0) of a key in native memory: the function Chronicle Map hashes its keys with
 * ({@link LongHashFunction#xx_r39()}), computed here with plain loads. Chronicle's own implementation reads through
 * its {@code ReadAccess} interface, which the map calls with several implementations (heap, native, Chronicle
 * bytes), so on the read path its 8-byte reads are interface calls the JIT may not inline: JFR put 17 % of a binary
 * batch's event loop at the key's hash (BatchLoadRun). The gain of this class is not shown yet (a loaded machine;
 * docs/benchmarks.md, "Batches, third round"). The result must be bit for bit Chronicle's, or a key would not be
 * found (KeyHashTest compares them over every length 0–300 and checks the map hands its keys this function).
 *
 * <p>Little-endian loads: x86 and ARM as Linux runs them (Chronicle's XxHash_r39 reads native order and swaps on
 * big-endian machines; {@link #usableFor} answers false there).
 */
final class KeyHash {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;
    /** P1 + P2, wrapped to 64 bits: the first accumulator's seed. */
    private static final long P1_PLUS_P2 = 0x60EA27EEADC0B5D6L;

    private static final LongHashFunction XX_R39 = LongHashFunction.xx_r39();
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
    private static final UnsafeMemory MEMORY = UnsafeMemory.MEMORY;

    private KeyHash() {}

    /** Whether {@link #xx64} computes what {@code f} does (the map's key hash function). */
    static boolean usableFor(LongHashFunction f) {
        return LITTLE_ENDIAN && f == XX_R39;
    }

    /** XXH64 with seed 0 of the {@code length} bytes at {@code address}. */
    static long xx64(long address, int length) {
        long p = address;
        long end = address + length;
        long h;
        if (length >= 32) {
            long v1 = P1_PLUS_P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            long limit = end - 32;
            do {
                v1 = round(v1, MEMORY.readLong(p));
                v2 = round(v2, MEMORY.readLong(p + 8));
                v3 = round(v3, MEMORY.readLong(p + 16));
                v4 = round(v4, MEMORY.readLong(p + 24));
                p += 32;
            } while (p <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = P5;
        }
        h += length;
        while (p + 8 <= end) {
            h ^= round(0, MEMORY.readLong(p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= end) {
            h ^= (MEMORY.readInt(p) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < end) {
            h ^= (MEMORY.readByte(p) & 0xFF) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long merge(long acc, long v) {
        return (acc ^ round(0, v)) * P1 + P4;
    }
}
