package io.matstore.serving.internal;

import io.matstore.schemas.Partitioner;
import java.nio.ByteBuffer;

/**
 * Which partitions of each held version of a view this node holds, for the request path: one bitset per version,
 * immutable and published whole through a volatile in {@link ViewRoute} by {@link ClusterRefresher}. Checking a key
 * is its murmur2 partition and one bit test: no allocation.
 *
 * <p>A version whose topic's partition count is unknown is not checked (the node answers what it has), nor is a
 * version not listed (e.g. just added): only a known partition that is known not held is misdirected.
 */
public final class PartitionGuard {
    static final PartitionGuard NONE = new PartitionGuard(new int[0], new int[0], new long[0][], new String[0][], 0);

    private final int[] versions;
    private final int[] partitions;
    private final long[][] held;
    private final String[][] owners;
    private final long generation;

    /**
     * @param owners per version, the owning cell of each partition (null entries: unknown); may be shorter
     */
    PartitionGuard(int[] versions, int[] partitions, long[][] held, String[][] owners, long generation) {
        this.versions = versions;
        this.partitions = partitions;
        this.held = held;
        this.owners = owners;
        this.generation = generation;
    }

    /** A guard of one version holding {@code held} of {@code partitions} (benchmarks, tests). */
    public static PartitionGuard of(int version, int partitions, Iterable<Integer> held, long generation) {
        return new PartitionGuard(
                new int[] {version},
                new int[] {partitions},
                new long[][] {bits(held, partitions)},
                new String[1][],
                generation);
    }

    /** The partition of {@code key} (position to limit) when this node does not hold it at {@code version}, else -1. */
    public int misdirected(int version, ByteBuffer key) {
        for (int i = 0; i < versions.length; i++) {
            if (versions[i] == version) {
                int n = partitions[i];
                if (n <= 0) {
                    return -1;
                }
                int p = Partitioner.partition(key, n);
                return (held[i][p >>> 6] & 1L << p) != 0 ? -1 : p;
            }
        }
        return -1;
    }

    /** The cell owning {@code partition} of {@code version}, or null when unknown. Cold path. */
    String owner(int version, int partition) {
        for (int i = 0; i < versions.length; i++) {
            if (versions[i] == version && owners[i] != null && partition < owners[i].length) {
                return owners[i][partition];
            }
        }
        return null;
    }

    long generation() {
        return generation;
    }

    static long[] bits(Iterable<Integer> partitions, int count) {
        long[] bits = new long[(count + 63) >>> 6];
        for (int p : partitions) {
            if (p < count) {
                bits[p >>> 6] |= 1L << p;
            }
        }
        return bits;
    }
}
