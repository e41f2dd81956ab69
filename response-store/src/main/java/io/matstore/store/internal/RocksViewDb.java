package io.matstore.store.internal;

import io.matstore.schemas.KeyCodec;
import io.matstore.store.StoreConfig;
import io.matstore.store.StoreException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.HistogramType;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The durable copy of one view version: every envelope by canonical key, and the next offset to ingest of every
 * owned partition, in one RocksDB. Values and offsets are only ever written together, in one {@link WriteBatch}, so
 * after any crash the database is the topic's prefix up to the stored offsets.
 *
 * <pre>
 *   column family "default":  canonical key bytes          -> envelope bytes (FlatBuffers ResponseEnvelope)
 *   column family "offsets":  partition, int32 big-endian  -> next offset to ingest, int64 big-endian
 * </pre>
 *
 * <p>The native handle is private and every use goes through one guard: reads hold a {@link StampedLock} read stamp
 * (allocation-free), {@link #close} takes the write lock, so no read ever touches a closed handle (that would be a
 * SIGSEGV, not an exception). The same guard covers the statistics and properties metrics read ({@link #ticker},
 * {@link #longProperty}): a scrape racing a close gets NaN, never a dangling handle.
 */
final class RocksViewDb implements AutoCloseable {
    private static final byte[] OFFSETS_CF = "offsets".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PROBE_KEY = {-1, -1, -1, -1};
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RocksViewDb.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final StampedLock guard = new StampedLock();
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final ColumnFamilyOptions valueOptions;
    private final ValueTableFormat valueFormat;
    private final ReadOptions readOptions;
    private final WriteOptions writeOptions;
    private final List<ColumnFamilyDescriptor> descriptors;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>(2);
    /** Replaced only by {@link #resume}, under the guard's write lock. */
    private RocksDB db;

    private ColumnFamilyHandle values;
    private ColumnFamilyHandle offsets;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    /** Null unless opened with statistics on. */
    private final Statistics statistics;

    private boolean closed;

    RocksViewDb(Path dir, boolean syncWrites) {
        this(dir, syncWrites, false, StoreConfig.DEFAULT_BLOCK_CACHE_BYTES);
    }

    /**
     * @param statistics collect RocksDB's tickers (block cache hits and misses, stall time...) for metrics. Tickers
     *                   only: every histogram is switched off, which also switches off the timers RocksDB would run
     *                   around each read (a {@code StopWatch} reads the clock only for an enabled histogram, and
     *                   {@code DB_GET} is one). The Java API's lowest level, {@link StatsLevel#EXCEPT_DETAILED_TIMERS},
     *                   would otherwise time every get with two clock reads; what is left on the read path is a few
     *                   per-core counter increments.
     */
    RocksViewDb(Path dir, boolean syncWrites, boolean statistics, long blockCacheBytes) {
        this(dir, syncWrites, statistics, ValueTableFormat.forReads(blockCacheBytes));
    }

    /** A version's database, its data blocks cached in the store's {@code blockCache} beside other versions'. */
    RocksViewDb(Path dir, boolean syncWrites, boolean statistics, BlockCache blockCache) {
        this(dir, syncWrites, statistics, ValueTableFormat.forReads(blockCache));
    }

    private RocksViewDb(Path dir, boolean syncWrites, boolean statistics, ValueTableFormat valueFormat) {
        this.dir = dir;
        this.valueFormat = valueFormat;
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            valueFormat.close();
            throw new StoreException("cannot create RocksDB directory " + dir, e);
        }
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        if (statistics) {
            this.statistics = new Statistics(EnumSet.allOf(HistogramType.class));
            this.statistics.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
            dbOptions.setStatistics(this.statistics);
        } else {
            this.statistics = null;
        }
        cfOptions = new ColumnFamilyOptions();
        valueOptions = valueFormat.applyTo(new ColumnFamilyOptions());
        readOptions = new ReadOptions();
        writeOptions = new WriteOptions().setSync(syncWrites);
        descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, valueOptions),
                new ColumnFamilyDescriptor(OFFSETS_CF, cfOptions));
        try {
            openDb();
        } catch (RocksDBException e) {
            closeOptions();
            throw new StoreException("cannot open RocksDB at " + dir + ": " + e.getMessage(), e);
        }
    }

    private void openDb() throws RocksDBException {
        handles.clear();
        db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        values = handles.get(0);
        offsets = handles.get(1);
    }

    /**
     * Copies the value of {@code key} into {@code dst} at its position. Positions and limits of both are restored.
     *
     * @return value length, or -1 when absent; when larger than {@code dst.remaining()} the whole value is not
     *         copied
     */
    int get(ByteBuffer key, ByteBuffer dst) {
        long stamp = openStamp();
        try {
            return key.isDirect() && dst.isDirect() ? getDirect(key, dst) : getViaScratch(key, dst);
        } catch (RocksDBException e) {
            throw failed("RocksDB read failed", e);
        } finally {
            guard.unlockRead(stamp);
        }
    }

    private int getDirect(ByteBuffer key, ByteBuffer dst) throws RocksDBException {
        int keyPosition = key.position();
        int dstLimit = dst.limit();
        try {
            int n = db.get(values, readOptions, key, dst);
            return n == RocksDB.NOT_FOUND ? -1 : n;
        } finally {
            key.position(keyPosition);
            dst.limit(dstLimit);
        }
    }

    /** Heap buffers (tests, tools) go through per-thread direct buffers; the serving node passes direct ones. */
    private int getViaScratch(ByteBuffer key, ByteBuffer dst) throws RocksDBException {
        if (key.remaining() > KeyCodec.MAX_KEY_BYTES) {
            return -1; // longer than any canonical key: cannot be stored
        }
        Scratch s = scratch.get();
        ByteBuffer k = s.key;
        k.clear();
        k.put(0, key, key.position(), key.remaining()).limit(key.remaining());
        ByteBuffer v = s.value;
        v.clear();
        int n = db.get(values, readOptions, k, v);
        if (n > v.capacity()) {
            s.value = ByteBuffer.allocateDirect(Integer.highestOneBit(n) << 1);
            v = s.value;
            k.position(0);
            n = db.get(values, readOptions, k, v);
        }
        if (n == RocksDB.NOT_FOUND) {
            return -1;
        }
        if (n <= dst.remaining()) {
            dst.put(dst.position(), v, 0, n);
        }
        return n;
    }

    /** The value of {@code key} as a new array, or null; for the ingest thread (promotions), not the read path. */
    byte[] getCopy(byte[] key) {
        return withOpenDb("RocksDB read failed", db -> db.get(values, readOptions, key));
    }

    /** Writes values and offsets atomically: after a crash, either all of this batch is there or none of it. */
    void write(WriteBatch batch) {
        withOpenDb("RocksDB write failed", db -> {
            db.write(writeOptions, batch);
            return null;
        });
    }

    void putValue(WriteBatch batch, byte[] key, byte[] value) {
        try {
            batch.put(values, key, value);
        } catch (RocksDBException e) {
            throw new StoreException("cannot add to batch: " + e.getMessage(), e);
        }
    }

    void deleteValue(WriteBatch batch, byte[] key) {
        try {
            batch.delete(values, key);
        } catch (RocksDBException e) {
            throw new StoreException("cannot add to batch: " + e.getMessage(), e);
        }
    }

    void putOffset(WriteBatch batch, int partition, long nextOffset) {
        try {
            batch.put(offsets, partitionKey(partition), longBytes(nextOffset));
        } catch (RocksDBException e) {
            throw new StoreException("cannot add to batch: " + e.getMessage(), e);
        }
    }

    /**
     * Ingests a sorted SST file of values (a bulk run) into the values column family. The file is moved in, not
     * copied, and gets a sequence number above everything already in the database, so a later run overrides an
     * earlier one key by key. Durable when this returns (RocksDB syncs the file and its MANIFEST); no WAL involved.
     */
    void ingestRun(Path sstFile) {
        withOpenDb("cannot ingest " + sstFile, db -> {
            try (IngestExternalFileOptions options = new IngestExternalFileOptions()
                    .setMoveFiles(true)
                    .setAllowGlobalSeqNo(true)
                    .setAllowBlockingFlush(true)) {
                db.ingestExternalFile(values, List.of(sstFile.toString()), options);
            }
            return null;
        });
    }

    /** Whether any value is stored (a version without stored offsets but with values was interrupted in bulk). */
    boolean hasValues() {
        return withOpenDb("cannot read the values", db -> {
            try (RocksIterator it = db.newIterator(values)) {
                it.seekToFirst();
                return it.isValid();
            }
        });
    }

    /**
     * Deletes every value (what an interrupted bulk load left) and compacts the space away. Canonical keys all start
     * with {@link KeyCodec#FORMAT}, so one range covers them.
     */
    void clearValues() {
        withOpenDb("cannot clear the values", db -> {
            db.deleteRange(values, writeOptions, new byte[] {0}, new byte[] {KeyCodec.FORMAT + 1});
            db.compactRange(values);
            return null;
        });
    }

    /** Stores the next offsets of partitions in one synced batch (the end of a bulk load: after its files are in). */
    void writeOffsetsDurably(Map<Integer, Long> nextOffsets) {
        withOpenDb("cannot store offsets", db -> {
            try (WriteBatch batch = new WriteBatch();
                    WriteOptions synced = new WriteOptions().setSync(true)) {
                for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
                    batch.put(offsets, partitionKey(e.getKey()), longBytes(e.getValue()));
                }
                db.write(synced, batch);
            }
            return null;
        });
    }

    /**
     * Deletes every value whose key {@code belongs} (to a dropped partition), in batches of {@code batchKeys}, then
     * the offsets of {@code partitions} in one last batch, and tells {@code onDeleted} each batch's keys once it is
     * written. Keys are not prefixed by partition (they are the canonical keys the topic is keyed by), so this is one
     * scan of every key of the version plus one delete per matching key: no DeleteRange is possible. Idempotent, so
     * a crash half-way is finished by running it again.
     *
     * @return values deleted
     */
    long deletePartitions(
            java.util.function.Predicate<byte[]> belongs,
            java.util.Set<Integer> partitions,
            int batchKeys,
            java.util.function.Consumer<List<byte[]>> onDeleted) {
        return withOpenDb("cannot delete dropped partitions " + partitions, db -> {
            long deleted = 0;
            List<byte[]> pending = new ArrayList<>(batchKeys);
            try (ReadOptions scan = new ReadOptions().setFillCache(false);
                    RocksIterator it = db.newIterator(values, scan)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    if (belongs.test(key)) {
                        pending.add(key);
                        if (pending.size() >= batchKeys) {
                            deleted += deleteBatch(pending, List.of(), onDeleted);
                            pending = new ArrayList<>(batchKeys);
                        }
                    }
                }
            }
            return deleted + deleteBatch(pending, partitions, onDeleted);
        });
    }

    private int deleteBatch(
            List<byte[]> keys,
            java.util.Collection<Integer> offsetsOf,
            java.util.function.Consumer<List<byte[]>> onDeleted)
            throws RocksDBException {
        try (WriteBatch batch = new WriteBatch()) {
            for (byte[] key : keys) {
                batch.delete(values, key);
            }
            for (int p : offsetsOf) {
                batch.delete(offsets, partitionKey(p));
            }
            db.write(writeOptions, batch);
        }
        onDeleted.accept(keys);
        return keys.size();
    }

    /** Exact number of stored values (a full scan of the keys; for validation, not for status). */
    long countValues() {
        return withOpenDb("cannot count the values", db -> {
            long n = 0;
            try (ReadOptions scan = new ReadOptions().setFillCache(false);
                    RocksIterator it = db.newIterator(values, scan)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    n++;
                }
            }
            return n;
        });
    }

    /**
     * Up to {@code n} stored keys drawn uniformly (reservoir sampling over one scan of the keys). Random seeks would
     * be cheaper but canonical keys are sparse and length-prefixed, so seeks land on a few keys after large gaps.
     */
    List<byte[]> sampleKeys(int n, java.util.Random random) {
        return withOpenDb("cannot sample the keys", db -> {
            List<byte[]> out = new ArrayList<>(Math.min(n, 1 << 16));
            long seen = 0;
            try (ReadOptions scan = new ReadOptions().setFillCache(false);
                    RocksIterator it = db.newIterator(values, scan)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    seen++;
                    if (out.size() < n) {
                        out.add(it.key());
                    } else {
                        long slot = (long) (random.nextDouble() * seen);
                        if (slot < n) {
                            out.set((int) slot, it.key());
                        }
                    }
                }
            }
            return out;
        });
    }

    /** Stored next offsets by partition; partitions never written are absent. */
    Map<Integer, Long> offsets() {
        return withOpenDb("cannot read the offsets", db -> {
            Map<Integer, Long> out = new HashMap<>();
            try (RocksIterator it = db.newIterator(offsets)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    out.put(
                            ByteBuffer.wrap(it.key()).getInt(),
                            ByteBuffer.wrap(it.value()).getLong());
                }
            }
            return out;
        });
    }

    /** Visits every stored (key, value), in key order, from a consistent snapshot. */
    void forEach(BiConsumer<byte[], byte[]> visitor) {
        forEachWhile((k, v) -> {
            visitor.accept(k, v);
            return true;
        });
    }

    /** Visits stored (key, value) pairs in key order, from a consistent snapshot, until the visitor says stop. */
    void forEachWhile(BiPredicate<byte[], byte[]> visitor) {
        withOpenDb("cannot read the values", db -> {
            try (RocksIterator it = db.newIterator(values)) {
                for (it.seekToFirst(); it.isValid() && visitor.test(it.key(), it.value()); it.next()) {
                    // the visitor does the work
                }
            }
            return null;
        });
    }

    long estimatedEntries() {
        return withOpenDb(
                "cannot read RocksDB property", db -> db.getLongProperty(values, "rocksdb.estimate-num-keys"));
    }

    /** What runs on the open handle under {@link #withOpenDb}. */
    @FunctionalInterface
    private interface DbCall<T> {
        T call(RocksDB db) throws RocksDBException;
    }

    /**
     * The one guard around the native handle: the read lock, the open check, and a {@code RocksDBException} turned
     * into a {@code StoreException} saying what failed and where. {@link #get} uses its parts
     * ({@link #openStamp}, {@link #failed}) without the lambda, so the read path allocates nothing.
     */
    private <T> T withOpenDb(String failure, DbCall<T> call) {
        long stamp = openStamp();
        try {
            return call.call(db);
        } catch (RocksDBException e) {
            throw failed(failure, e);
        } finally {
            guard.unlockRead(stamp);
        }
    }

    /** Takes the read lock and checks the handle is open; the caller unlocks the returned stamp. */
    private long openStamp() {
        long stamp = guard.readLock();
        try {
            checkOpen();
            return stamp;
        } catch (RuntimeException e) {
            guard.unlockRead(stamp);
            throw e;
        }
    }

    private StoreException failed(String failure, RocksDBException e) {
        return new StoreException(failure + " in " + dir + ": " + e.getMessage(), e);
    }

    /** A statistics ticker's count since open, or NaN when closed or opened without statistics. Metrics only. */
    double ticker(TickerType ticker) {
        long stamp = guard.readLock();
        try {
            return closed || statistics == null ? Double.NaN : statistics.getTickerCount(ticker);
        } finally {
            guard.unlockRead(stamp);
        }
    }

    /**
     * A numeric property, or NaN when closed or unreadable. Metrics only: a scrape must not fail because one version
     * is going away.
     *
     * @param summed sum a per-column-family property over both families (e.g.
     *               {@code rocksdb.estimate-pending-compaction-bytes}); false for a database-wide one (e.g.
     *               {@code rocksdb.is-write-stopped}), which summing would count twice
     */
    double longProperty(String property, boolean summed) {
        long stamp = guard.readLock();
        try {
            if (closed || db == null) {
                return Double.NaN;
            }
            return summed ? db.getAggregatedLongProperty(property) : db.getLongProperty(property);
        } catch (RocksDBException e) {
            return Double.NaN;
        } finally {
            guard.unlockRead(stamp);
        }
    }

    Path dir() {
        return dir;
    }

    /**
     * Clears a background error (a flush or write that failed, e.g. on a full disk), after which RocksDB refuses
     * every write until resumed; does nothing when there is none. Ingest thread, before it writes again.
     */
    void resume() {
        long stamp = guard.writeLock();
        try {
            checkClosed();
            if (db != null) {
                try (WriteBatch probe = new WriteBatch()) {
                    // a delete of an offsets key no partition has: harmless, refused while a background error stands
                    probe.delete(offsets, PROBE_KEY);
                    db.write(writeOptions, probe);
                    return;
                } catch (RocksDBException e) {
                    LOG.warn("RocksDB at {} refuses writes ({}); reopening it", dir, e.getMessage());
                }
                // The Java API has no DB::Resume(); a reopen does what it does: drop the error, replay the WAL.
                for (ColumnFamilyHandle h : handles) {
                    h.close();
                }
                db.close();
                db = null;
            }
            try {
                openDb();
            } catch (RocksDBException e) {
                // Stays without a handle (reads fail with a clear reason) until the next resume manages to open it:
                // on a full disk the open itself cannot write its new files.
                db = null;
                throw new StoreException(
                        "RocksDB at " + dir + " cannot be reopened after a write error yet: " + e.getMessage(), e);
            }
            LOG.info("RocksDB at {} reopened after a write error", dir);
        } finally {
            guard.unlockWrite(stamp);
        }
    }

    private void checkOpen() {
        checkClosed();
        if (db == null) {
            throw new StoreException("RocksDB at " + dir + " is being reopened after a write error");
        }
    }

    private void checkClosed() {
        if (closed) {
            throw new StoreException("RocksDB at " + dir + " is closed");
        }
    }

    @Override
    public void close() {
        long stamp = guard.writeLock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (db != null) { // null: a reopen after a write error has not succeeded yet
                for (ColumnFamilyHandle h : handles) {
                    h.close();
                }
                db.close();
            }
            closeOptions();
        } finally {
            guard.unlockWrite(stamp);
        }
    }

    private void closeOptions() {
        readOptions.close();
        writeOptions.close();
        cfOptions.close();
        valueOptions.close();
        valueFormat.close();
        dbOptions.close();
        if (statistics != null) {
            statistics.close();
        }
    }

    static byte[] partitionKey(int partition) {
        return ByteBuffer.allocate(4)
                .order(ByteOrder.BIG_ENDIAN)
                .putInt(partition)
                .array();
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(v).array();
    }

    /** Per-thread direct buffers for callers that pass heap buffers. */
    private static final class Scratch {
        final ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);
        ByteBuffer value = ByteBuffer.allocateDirect(64 * 1024);
    }
}
