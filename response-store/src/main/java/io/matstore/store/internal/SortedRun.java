package io.matstore.store.internal;

import io.matstore.store.StoreException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.EnvOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileWriter;

/**
 * One bounded run of a bulk load: a stretch of the view topic folded (last write per key wins, a tombstone becomes a
 * delete) and written as one SST file in RocksDB's key order (unsigned bytewise, the default comparator). A delete
 * must stay in the file: an earlier run may hold a value for that key.
 *
 * <p>The records are kept off the heap, appended to a direct arena ({@code [key length][value length or -1][key]
 * [value]}) with their start offsets in an {@code int[]}, and sorted there just before the file is written. A run
 * held as objects on the heap (a map of key and value arrays, before) lived through every young collection while it
 * filled, and copying it made the serving node's pauses 50-350 ms while a bulk load ran beside it on one core
 * (docs/benchmarks.md, "Rebuild of 10,000,000 combinations"). Of this one the heap holds two {@code int[]}s of
 * offsets (4 bytes per record, reused from run to run), which the collector copies at most once and never scans.
 * A run is reused after it is written ({@link #writeTo} empties it); {@link #close} frees its arena.
 */
final class SortedRun implements AutoCloseable {
    private static final int HEADER = 2 * Integer.BYTES;
    private static final int TOMBSTONE = -1;
    /** Below this a range is sorted by insertion: fewer comparisons than merging for so few. */
    private static final int INSERTION_SORT_MAX = 16;

    private final int capacity;
    private ByteBuffer arena;
    private int[] starts = new int[1024];
    private int[] mergeScratch = new int[0];
    private int count;

    /** @param capacity arena bytes: records' keys and values plus 8 bytes each */
    SortedRun(int capacity) {
        this.capacity = capacity;
        this.arena = ByteBuffer.allocateDirect(capacity);
    }

    /**
     * Appends a record (a null value is a tombstone) when it fits in what is left of the arena; an empty run takes a
     * record of any size, growing its arena for it.
     *
     * @return false when the run is full: write it, then put the record again
     */
    boolean put(byte[] key, byte[] value) {
        int need = HEADER + key.length + (value == null ? 0 : value.length);
        if (arena.remaining() < need) {
            if (count > 0) {
                return false;
            }
            replaceArena(need); // back to the configured capacity once written
        }
        if (count == starts.length) {
            int[] grown = new int[count * 2];
            System.arraycopy(starts, 0, grown, 0, count);
            starts = grown;
        }
        starts[count++] = arena.position();
        arena.putInt(key.length)
                .putInt(value == null ? TOMBSTONE : value.length)
                .put(key);
        if (value != null) {
            arena.put(value);
        }
        return true;
    }

    /** Arena bytes taken by the records so far. */
    long bytes() {
        return arena.position();
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Records appended (a key written twice counts twice). */
    int size() {
        return count;
    }

    /** Writes the run as a finished SST file and empties it for reuse. */
    void writeTo(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot replace " + file + ": " + e.getMessage(), e);
        }
        sortByKeyThenArrival();
        ByteBuffer key = arena.duplicate();
        ByteBuffer value = arena.duplicate();
        try (EnvOptions env = new EnvOptions();
                ValueTableFormat format = ValueTableFormat.forWriting();
                Options options = format.applyTo(new Options());
                SstFileWriter writer = new SstFileWriter(env, options)) {
            writer.open(file.toString());
            for (int i = 0; i < count; i++) {
                int at = starts[i];
                if (i + 1 < count && compareKeys(at, starts[i + 1]) == 0) {
                    continue; // the same key arrived again later: that record wins
                }
                int keyLength = arena.getInt(at);
                int valueLength = arena.getInt(at + Integer.BYTES);
                int keyStart = at + HEADER;
                key.limit(keyStart + keyLength).position(keyStart);
                if (valueLength == TOMBSTONE) {
                    byte[] k = new byte[keyLength]; // deletes take no direct buffer; they are rare
                    key.get(k);
                    writer.delete(k);
                } else {
                    int valueStart = keyStart + keyLength;
                    value.limit(valueStart + valueLength).position(valueStart);
                    writer.put(key, value);
                }
            }
            writer.finish();
        } catch (RocksDBException e) {
            throw new StoreException("cannot write bulk run " + file + ": " + e.getMessage(), e);
        }
        if (arena.capacity() > capacity) {
            replaceArena(capacity);
        }
        arena.clear();
        count = 0;
    }

    @Override
    public void close() {
        DirectBuffers.free(arena);
        arena = null; // a use after close fails in Java, not on freed memory
        count = 0;
    }

    private void replaceArena(int bytes) {
        ByteBuffer replacement = ByteBuffer.allocateDirect(bytes); // first: a failed allocation keeps the old one
        DirectBuffers.free(arena);
        arena = replacement;
    }

    /**
     * Merge sort of the record offsets (the JDK sorts an {@code int[]} only by value, and a boxed array would put
     * every record back on the heap). Offsets grow in arrival order, so ties between equal keys break by offset and
     * the last record of a key ends its group.
     */
    private void sortByKeyThenArrival() {
        if (mergeScratch.length < count) {
            mergeScratch = new int[starts.length];
        }
        mergeSort(0, count);
    }

    private void mergeSort(int from, int to) {
        if (to - from <= INSERTION_SORT_MAX) {
            for (int i = from + 1; i < to; i++) {
                int v = starts[i];
                int j = i - 1;
                while (j >= from && order(starts[j], v) > 0) {
                    starts[j + 1] = starts[j];
                    j--;
                }
                starts[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(from, mid);
        mergeSort(mid, to);
        if (order(starts[mid - 1], starts[mid]) <= 0) {
            return; // already in order: a topic written in key order costs one comparison per level
        }
        System.arraycopy(starts, from, mergeScratch, from, to - from);
        int left = from;
        int right = mid;
        for (int k = from; k < to; k++) {
            if (right >= to || (left < mid && order(mergeScratch[left], mergeScratch[right]) <= 0)) {
                starts[k] = mergeScratch[left++];
            } else {
                starts[k] = mergeScratch[right++];
            }
        }
    }

    private int order(int a, int b) {
        int byKey = compareKeys(a, b);
        return byKey != 0 ? byKey : Integer.compare(a, b);
    }

    /** Unsigned bytewise, as RocksDB's default comparator: eight bytes at a time (the arena is big-endian). */
    private int compareKeys(int a, int b) {
        int lengthA = arena.getInt(a);
        int lengthB = arena.getInt(b);
        int keyA = a + HEADER;
        int keyB = b + HEADER;
        int common = Math.min(lengthA, lengthB);
        int i = 0;
        for (; i + Long.BYTES <= common; i += Long.BYTES) {
            long x = arena.getLong(keyA + i);
            long y = arena.getLong(keyB + i);
            if (x != y) {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; i < common; i++) {
            int c = Byte.toUnsignedInt(arena.get(keyA + i)) - Byte.toUnsignedInt(arena.get(keyB + i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(lengthA, lengthB);
    }
}
