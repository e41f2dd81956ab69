package io.matstore.schemas;

import java.nio.ByteBuffer;

/**
 * The partition of a canonical key in a view topic: what Kafka's default partitioner picks for a keyed record,
 * {@code (murmur2(key) & 0x7fffffff) % partitions}. The precompute job writes each key to that partition, serving
 * nodes hold partitions, and clients route by it, so all three must agree to the bit; a test checks this class
 * against Kafka's own partitioner. Here so that code without Kafka (the client) routes the same way; allocation-free.
 *
 * <p>murmur2 is MurmurHash2, 32-bit, seed {@code 0x9747b28c}: 4-byte little-endian blocks, then the 1-3 byte tail.
 */
public final class Partitioner {
    /** How the view topics are partitioned, as the routing table names it. */
    public static final String NAME = "kafka-murmur2";

    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private Partitioner() {}

    /** The partition of {@code key} among {@code partitions}. */
    public static int partition(byte[] key, int partitions) {
        return partition(key, 0, key.length, partitions);
    }

    public static int partition(byte[] key, int offset, int length, int partitions) {
        return (murmur2(key, offset, length) & 0x7fffffff) % checked(partitions);
    }

    /** The partition of the bytes between {@code buffer}'s position and limit; the position is not moved. */
    public static int partition(ByteBuffer buffer, int partitions) {
        int from = buffer.position();
        int length = buffer.remaining();
        int h = SEED ^ length;
        int blocks = length & ~3;
        for (int i = 0; i < blocks; i += 4) {
            h = block(
                    h,
                    (buffer.get(from + i) & 0xff)
                            | (buffer.get(from + i + 1) & 0xff) << 8
                            | (buffer.get(from + i + 2) & 0xff) << 16
                            | (buffer.get(from + i + 3) & 0xff) << 24);
        }
        int rest = length & 3;
        if (rest > 0) {
            int tail = buffer.get(from + blocks) & 0xff;
            if (rest > 1) {
                tail |= (buffer.get(from + blocks + 1) & 0xff) << 8;
            }
            if (rest > 2) {
                tail |= (buffer.get(from + blocks + 2) & 0xff) << 16;
            }
            h = (h ^ tail) * M;
        }
        return (finish(h) & 0x7fffffff) % checked(partitions);
    }

    static int murmur2(byte[] data, int offset, int length) {
        int h = SEED ^ length;
        int blocks = length & ~3;
        for (int i = 0; i < blocks; i += 4) {
            int at = offset + i;
            h = block(
                    h,
                    (data[at] & 0xff)
                            | (data[at + 1] & 0xff) << 8
                            | (data[at + 2] & 0xff) << 16
                            | (data[at + 3] & 0xff) << 24);
        }
        int rest = length & 3;
        if (rest > 0) {
            int at = offset + blocks;
            int tail = data[at] & 0xff;
            if (rest > 1) {
                tail |= (data[at + 1] & 0xff) << 8;
            }
            if (rest > 2) {
                tail |= (data[at + 2] & 0xff) << 16;
            }
            h = (h ^ tail) * M;
        }
        return finish(h);
    }

    private static int block(int h, int k) {
        k *= M;
        k ^= k >>> R;
        k *= M;
        return (h * M) ^ k;
    }

    private static int finish(int h) {
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }

    private static int checked(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions=" + partitions + " < 1");
        }
        return partitions;
    }
}
