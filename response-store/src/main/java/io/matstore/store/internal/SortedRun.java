package io.matstore.store.internal;

import io.matstore.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.rocksdb.EnvOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileWriter;

/**
 * One bounded run of a bulk load: a stretch of the view topic folded in memory (last write per key wins, a tombstone
 * becomes a delete) and written as one SST file in RocksDB's key order (unsigned bytewise, the default comparator).
 * A delete must stay in the file: an earlier run may hold a value for that key.
 */
final class SortedRun {
    /** Marks a tombstone; compared by identity, never written as a value. */
    private static final byte[] TOMBSTONE = new byte[0];
    /** TreeMap entry, boxed key and value arrays: what a folded record costs beyond its bytes, roughly. */
    private static final int ENTRY_OVERHEAD = 96;

    private final TreeMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);
    private long bytes;

    void put(byte[] key, byte[] value) {
        byte[] v = value == null ? TOMBSTONE : value;
        byte[] old = entries.put(key, v);
        if (old == null) {
            bytes += key.length + v.length + ENTRY_OVERHEAD;
        } else {
            bytes += v.length - old.length;
        }
    }

    /** Heap held by the folded records, approximately. */
    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    /** Writes the run as a finished SST file and empties it. */
    void writeTo(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot replace " + file + ": " + e.getMessage(), e);
        }
        try (EnvOptions env = new EnvOptions();
                ValueTableFormat format = ValueTableFormat.forWriting();
                Options options = format.applyTo(new Options());
                SstFileWriter writer = new SstFileWriter(env, options)) {
            writer.open(file.toString());
            for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
                if (e.getValue() == TOMBSTONE) {
                    writer.delete(e.getKey());
                } else {
                    writer.put(e.getKey(), e.getValue());
                }
            }
            writer.finish();
        } catch (RocksDBException e) {
            throw new StoreException("cannot write bulk run " + file + ": " + e.getMessage(), e);
        }
        entries.clear();
        bytes = 0;
    }
}
