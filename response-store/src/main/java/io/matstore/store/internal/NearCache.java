package io.matstore.store.internal;

import io.matstore.schemas.KeyCodec;
import io.matstore.store.StoreConfig;
import io.matstore.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Predicate;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.hash.AbstractData;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapAbsentEntry;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory-mapped near-cache of one view version: a bounded subset of RocksDB's (key, envelope) pairs in a
 * Chronicle Map file, so that a hit is one copy from mapped memory and a restarted node is warm at once.
 *
 * <p>Invariants: (1) a key present here has the same value as in RocksDB once the ingest thread has finished the
 * batch that wrote it (ingest writes RocksDB first, then here; a reader in between sees the older whole value);
 * (2) only the ingest thread writes; (3) the file is trusted at open only with a valid {@link NearCacheMarker}
 * matching its length, checksum and RocksDB's offsets, and the marker is durably deleted before the first write,
 * otherwise the file is deleted and the cache starts empty (then refilled from RocksDB). A truncated mapped file
 * would fault (SIGBUS) on access, so it must be caught before mapping, which the length check does.
 *
 * <p>Capacity is enforced here in entries and value bytes; Chronicle's own sizing gets some slack above both so
 * that segment imbalance rarely refuses a put (when it does, the key is simply not cached).
 */
final class NearCache implements AutoCloseable {
    /** Returned by {@link #read} when the key is not cached (it may still be in RocksDB). */
    static final int MISS = -1;

    static final String FILE = "nearcache.dat";
    static final String MARKER = "nearcache.clean";
    private static final Logger LOG = LoggerFactory.getLogger(NearCache.class);

    private final Path file;
    private final Path marker;
    private final long maxEntries;
    private final long maxValueBytes;
    private final int maxValueSize;
    private final StampedLock guard = new StampedLock();
    private final ThreadLocal<KeyData> keyDatas = ThreadLocal.withInitial(KeyData::new);
    private final ChronicleMap<ByteBuffer, ByteBuffer> map;
    private final boolean trustedAtOpen;
    private final String distrustReason;
    private volatile long valueBytes;
    /**
     * Entries in the map, kept here like {@link #valueBytes} (ingest thread writes, anyone reads): Chronicle's
     * {@code longSize()} visits every segment's header, and called once per ingested record it took 55 % of the
     * ingest thread (JFR over IngestBenchmark).
     */
    private volatile long entryCount;

    private boolean closed;

    private NearCache(
            Path file,
            StoreConfig config,
            ChronicleMap<ByteBuffer, ByteBuffer> map,
            long valueBytes,
            String distrustReason) {
        this.file = file;
        this.marker = file.resolveSibling(MARKER);
        this.maxEntries = config.nearCacheEntries();
        this.maxValueBytes = config.nearCacheBytes();
        this.maxValueSize = (int) Math.min(Integer.MAX_VALUE, Math.max(4096, (long) (config.averageValueBytes() * 8)));
        this.map = map;
        this.valueBytes = valueBytes;
        this.entryCount = map.longSize();
        this.trustedAtOpen = distrustReason == null;
        this.distrustReason = distrustReason;
    }

    /**
     * Opens the near-cache in {@code dir}, trusting the existing file only if its marker vouches for it against
     * {@code storedOffsets} (RocksDB's). Either way the marker is gone when this returns.
     */
    static NearCache open(Path dir, StoreConfig config, Map<Integer, Long> storedOffsets) {
        Path file = dir.resolve(FILE);
        Path markerPath = dir.resolve(MARKER);
        try {
            Files.createDirectories(dir);
            String reason = verify(file, markerPath, storedOffsets);
            NearCacheMarker m = reason == null ? NearCacheMarker.read(markerPath) : null;
            NearCacheMarker.deleteDurably(markerPath);
            if (reason != null && Files.exists(file)) {
                LOG.warn("near-cache {} not trusted ({}): deleting it, it will be refilled from RocksDB", file, reason);
                Files.delete(file);
            }
            ChronicleMap<ByteBuffer, ByteBuffer> map = builder(config, file).createPersistedTo(file.toFile());
            long bytes = m == null ? 0 : m.valueBytes();
            return new NearCache(file, config, map, bytes, reason);
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot open near-cache " + file + ": " + e.getMessage(), e);
        }
    }

    /** Why the file cannot be trusted, or null when it can. */
    private static String verify(Path file, Path markerPath, Map<Integer, Long> storedOffsets) throws IOException {
        if (!Files.exists(file)) {
            return "no file";
        }
        NearCacheMarker m = NearCacheMarker.read(markerPath);
        if (m == null) {
            return "no valid clean-shutdown marker (crash, or first open)";
        }
        long length = Files.size(file);
        if (length != m.fileLength()) {
            return "file length " + length + " != " + m.fileLength() + " at clean shutdown (truncated?)";
        }
        long crc = NearCacheMarker.checksum(file);
        if (crc != m.fileCrc()) {
            return "file checksum " + Long.toHexString(crc) + " != " + Long.toHexString(m.fileCrc())
                    + " at clean shutdown (corrupt)";
        }
        if (!m.offsets().equals(storedOffsets)) {
            return "reflects offsets " + m.offsets() + " but RocksDB is at " + storedOffsets;
        }
        return null;
    }

    private static ChronicleMapBuilder<ByteBuffer, ByteBuffer> builder(StoreConfig config, Path file) {
        // Slack over the enforced capacity: Chronicle sizes segments from these and refuses puts into a full one.
        // Chronicle's own exit hook would close the map before the application's shutdown hook closes the store,
        // and then the clean marker could never be written: a Ctrl-C'd node would restart cold. The store closes it.
        return ChronicleMap.of(ByteBuffer.class, ByteBuffer.class)
                .name(file.getParent().getFileName() + "-nearcache")
                .skipCloseOnExitHook(true)
                // Every page allocated when the file is created: the pages of a sparse file are allocated when first
                // written, and a write through the mapping on a full file system is a SIGBUS (an InternalError at
                // best), not an IOException the ingest loop could pause on.
                .sparseFile(false)
                .entries(config.nearCacheEntries() + config.nearCacheEntries() / 4 + 64)
                .averageKeySize(config.averageKeyBytes())
                .averageValueSize(config.averageValueBytes() * 1.25);
    }

    /**
     * Copies the cached value of {@code key} into {@code dst} at its position; positions are left unchanged.
     *
     * @return the value length (nothing copied when it exceeds {@code dst.remaining()}), or {@link #MISS}
     */
    int read(ByteBuffer key, ByteBuffer dst) {
        long stamp = guard.readLock();
        try {
            if (closed) {
                throw new StoreException("near-cache " + file + " is closed");
            }
            int keyPosition = key.position();
            KeyData keyData = keyDatas.get();
            try (ExternalMapQueryContext<ByteBuffer, ByteBuffer, ?> c =
                    keyData.pointAt(key) ? map.queryContext(keyData) : map.queryContext(key)) {
                MapEntry<ByteBuffer, ByteBuffer> e = c.entry();
                if (e == null) {
                    return MISS;
                }
                Data<ByteBuffer> v = e.value();
                int size = (int) v.size();
                if (size <= dst.remaining()) {
                    copy(v.bytes(), v.offset(), dst, size);
                }
                return size;
            } finally {
                key.position(keyPosition);
            }
        } finally {
            guard.unlockRead(stamp);
        }
    }

    /**
     * A lookup key as Chronicle {@link Data} over the key's own memory, one per reading thread. Chronicle's other
     * ways in cost more than the lookup itself: a {@code ByteBuffer} key is wrapped anew on every call (~220 B/op),
     * and a {@code BytesStore} key is taken through Chronicle's reference counting (reserve, listeners, release on
     * close: a third of a cached hit's samples in JFR, NearCacheHitBreakdownRun) and hashed through checked
     * per-read accessors. Here the hash is the function Chronicle passes in, over the same bytes read straight from
     * memory, so it equals the hash the key was stored under.
     */
    private static final class KeyData extends AbstractData<ByteBuffer> {
        private final PointerBytesStore memory = new PointerBytesStore();
        /** Heap keys are copied here, so that every key is read from native memory. */
        private final ByteBuffer scratch = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);

        private long address;
        private int size;

        /** Points at {@code key}'s bytes [position, limit); false for a heap key longer than any canonical key. */
        boolean pointAt(ByteBuffer key) {
            int length = key.remaining();
            long at;
            if (key.isDirect()) {
                at = Jvm.address(key) + key.position();
            } else if (length <= scratch.capacity()) {
                scratch.put(0, key, key.position(), length);
                at = Jvm.address(scratch);
            } else {
                return false;
            }
            if (at != address || length != size) {
                address = at;
                size = length;
                memory.set(at, Math.max(1, length));
            }
            return true;
        }

        @Override
        public RandomDataInput bytes() {
            return memory;
        }

        @Override
        public long offset() {
            return 0;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public long hash(LongHashFunction f) {
            return f.hashMemory(address, size);
        }

        @Override
        public ByteBuffer get() {
            return getUsing(null);
        }

        @Override
        public ByteBuffer getUsing(ByteBuffer using) {
            // Not on the read path (Chronicle asks for the key object only to print it): a copy is fine.
            byte[] copy = new byte[size];
            memory.read(0, copy, 0, size);
            ByteBuffer out = using != null && using.capacity() >= size ? using.clear() : ByteBuffer.allocate(size);
            return out.put(0, copy).limit(size);
        }
    }

    private static void copy(RandomDataInput from, long offset, ByteBuffer dst, int size) {
        if (dst.isDirect()) {
            from.nativeRead(offset, Jvm.address(dst) + dst.position(), size);
        } else {
            from.read(offset, dst.array(), dst.arrayOffset() + dst.position(), size);
        }
    }

    /** Whether a value of this size may ever be cached (larger ones are always read from RocksDB). */
    boolean cacheable(int size) {
        return size <= maxValueSize;
    }

    /** Whether one more entry of {@code size} value bytes fits without evicting. */
    boolean hasRoomFor(int size) {
        return entryCount < maxEntries && valueBytes + size <= maxValueBytes;
    }

    boolean contains(byte[] key) {
        long stamp = guard.readLock();
        try {
            checkOpen();
            return map.containsKey(ByteBuffer.wrap(key));
        } finally {
            guard.unlockRead(stamp);
        }
    }

    /**
     * Replaces the value of a cached key, or inserts a new key when {@code insertIfAbsent} and it fits. A cached key
     * whose new value cannot be stored is removed, so the cache never keeps an outdated value. Ingest thread only.
     *
     * @return whether the key is now cached with {@code value}
     */
    boolean put(byte[] key, byte[] value, boolean insertIfAbsent) {
        long stamp = guard.readLock();
        try {
            checkOpen();
            try (ExternalMapQueryContext<ByteBuffer, ByteBuffer, ?> c = map.queryContext(ByteBuffer.wrap(key))) {
                c.updateLock().lock();
                MapEntry<ByteBuffer, ByteBuffer> e = c.entry();
                if (e != null) {
                    long old = e.value().size();
                    if (!cacheable(value.length) || valueBytes - old + value.length > maxValueBytes) {
                        e.doRemove();
                        valueBytes -= old;
                        entryCount--;
                        return false;
                    }
                    try {
                        e.doReplaceValue(c.wrapValueAsData(ByteBuffer.wrap(value)));
                    } catch (IllegalStateException | IllegalArgumentException full) {
                        removeQuietly(c, old);
                        return false;
                    }
                    valueBytes += value.length - old;
                    return true;
                }
                if (!insertIfAbsent || !cacheable(value.length) || !hasRoomFor(value.length)) {
                    return false;
                }
                MapAbsentEntry<ByteBuffer, ByteBuffer> absent = c.absentEntry();
                try {
                    absent.doInsert(c.wrapValueAsData(ByteBuffer.wrap(value)));
                } catch (IllegalStateException | IllegalArgumentException full) {
                    return false; // this segment is full: not cached, RocksDB answers
                }
                valueBytes += value.length;
                entryCount++;
                return true;
            }
        } finally {
            guard.unlockRead(stamp);
        }
    }

    private void removeQuietly(ExternalMapQueryContext<ByteBuffer, ByteBuffer, ?> c, long oldSize) {
        MapEntry<ByteBuffer, ByteBuffer> e = c.entry();
        if (e != null) {
            e.doRemove();
            valueBytes -= oldSize;
            entryCount--;
        }
    }

    /** Removes a key (tombstone or eviction). Ingest thread only. */
    boolean remove(byte[] key) {
        long stamp = guard.readLock();
        try {
            checkOpen();
            try (ExternalMapQueryContext<ByteBuffer, ByteBuffer, ?> c = map.queryContext(ByteBuffer.wrap(key))) {
                c.updateLock().lock();
                MapEntry<ByteBuffer, ByteBuffer> e = c.entry();
                if (e == null) {
                    return false;
                }
                long old = e.value().size();
                e.doRemove();
                valueBytes -= old;
                entryCount--;
                return true;
            }
        } finally {
            guard.unlockRead(stamp);
        }
    }

    /**
     * Visits the keys of one segment until {@code visitor} returns false; used to sample eviction candidates.
     * The visitor gets a key it may keep (a copy).
     */
    void forEachKeyInSegment(int segment, Predicate<byte[]> visitor) {
        long stamp = guard.readLock();
        try {
            checkOpen();
            try (MapSegmentContext<ByteBuffer, ByteBuffer, ?> c = map.segmentContext(segment)) {
                c.forEachSegmentEntryWhile(e -> {
                    Data<ByteBuffer> k = e.key();
                    byte[] copy = new byte[(int) k.size()];
                    k.bytes().read(k.offset(), copy, 0, copy.length);
                    return visitor.test(copy);
                });
            }
        } finally {
            guard.unlockRead(stamp);
        }
    }

    int segments() {
        return map.segments();
    }

    long entries() {
        return entryCount;
    }

    long valueBytes() {
        return valueBytes;
    }

    long maxEntries() {
        return maxEntries;
    }

    long fileBytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    long mappedBytes() {
        return map.offHeapMemoryUsed();
    }

    boolean trustedAtOpen() {
        return trustedAtOpen;
    }

    String distrustReason() {
        return distrustReason;
    }

    Path file() {
        return file;
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("near-cache " + file + " is closed");
        }
    }

    /** Closes without vouching for the file: the next open rebuilds it. */
    @Override
    public void close() {
        closeMap();
    }

    /** Closes and writes the marker saying the file reflects RocksDB at {@code offsets}. */
    void closeClean(Map<Integer, Long> offsets) {
        long entries = map.longSize();
        if (!closeMap()) {
            return;
        }
        try {
            new NearCacheMarker(Files.size(file), NearCacheMarker.checksum(file), entries, valueBytes, offsets)
                    .write(marker);
        } catch (IOException e) {
            LOG.warn("could not write the near-cache marker {}: the next open rebuilds the near-cache", marker, e);
        }
    }

    private boolean closeMap() {
        long stamp = guard.writeLock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            map.close();
            return true;
        } finally {
            guard.unlockWrite(stamp);
        }
    }
}
