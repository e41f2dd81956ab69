package io.matstore.serving.cluster;

import java.nio.charset.StandardCharsets;

/**
 * The 64-bit hash of the cluster code: FNV-1a 64 over the bytes, then MurmurHash3's {@code fmix64} finalizer.
 *
 * <pre>
 *   h = 0xcbf29ce484222325
 *   for each byte b:  h = (h ^ (b &amp; 0xff)) * 0x100000001b3
 *   h ^= h &gt;&gt;&gt; 33;  h *= 0xff51afd7ed558ccd;  h ^= h &gt;&gt;&gt; 33;  h *= 0xc4ceb9fe1a85ec53;  h ^= h &gt;&gt;&gt; 33
 * </pre>
 * FNV-1a alone mixes its last bytes poorly into the high bits; the finalizer spreads every input bit over all 64
 * output bits, which rendezvous hashing needs (it compares whole 64-bit weights). A few lines, so any language can
 * reproduce it bit for bit; stable forever once nodes route by it (a test pins values).
 */
public final class Hash64 {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Hash64() {}

    public static long hash(byte[] bytes) {
        return fmix(fnv(OFFSET, bytes));
    }

    public static long hash(String s) {
        return hash(s.getBytes(StandardCharsets.UTF_8));
    }

    static long fnv(long h, byte[] bytes) {
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * PRIME;
        }
        return h;
    }

    static long fnvByte(long h, int b) {
        return (h ^ (b & 0xff)) * PRIME;
    }

    static long fmix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** 16 lower-case hex digits (ETags). */
    public static String hex(long h) {
        String s = Long.toHexString(h);
        return "0".repeat(16 - s.length()) + s;
    }
}
