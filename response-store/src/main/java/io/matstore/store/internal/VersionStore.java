package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.StoreConfig;
import io.matstore.store.StoreException;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One version of one view on this node: its RocksDB, its near-cache, its ingest, and the reads over them.
 *
 * <pre>
 *   &lt;dataDir&gt;/&lt;view&gt;/v&lt;N&gt;/
 *       version.properties   view name, version, dimensions, owned partitions
 *       rocksdb/             values and offsets ({@link RocksViewDb})
 *       nearcache.dat        Chronicle Map file ({@link NearCache})
 *       nearcache.clean      clean-shutdown marker ({@link NearCacheMarker}), present only while closed cleanly
 *       loading              present from addVersion until the first load finished ({@link #loaded()})
 * </pre>
 *
 * <p><b>Partitions added and dropped at run time</b> ({@link #addPartitions}, {@link #dropPartitions}): each step is
 * recorded in the manifest ({@link VersionManifest}) before it takes effect, and ingest is restarted on the new set.
 * An added partition is read by live ingest from offset 0 (values and offsets in one batch per poll, as always), so a
 * crash at any point resumes it from its stored offset; it is reported not loaded until ingest has caught up once.
 * A dropped partition leaves the manifest first (listed as dropping), then its keys are deleted by a scan, then the
 * manifest forgets it; a crash in between finishes the deletion at the next open, before ingest starts.
 *
 * <p>The near-cache is opened by the ingest thread, first thing, not by the constructor: mapping it (Chronicle Map's
 * start-up, a checksum of the whole file, or after a crash deleting and re-creating it with every page allocated) is
 * seconds a restarted node would not answer. Until it is open, reads go to RocksDB, which holds every value the
 * near-cache would; nothing writes meanwhile, so a file vouched for at the last clean stop is still in step.
 *
 * <p>Reads go to the near-cache, then RocksDB. Writes come only from the ingest thread, through {@link #apply}:
 * RocksDB first (values and offsets in one batch), then the near-cache; so the near-cache never holds a value newer
 * than RocksDB's and, once a batch is applied, never an older one.
 */
public final class VersionStore implements ViewReader {
    private static final Logger LOG = LoggerFactory.getLogger(VersionStore.class);
    private static final String LOADING_MARKER = "loading";

    private final ViewDescriptor descriptor;
    private final StoreConfig config;
    /** Held partitions; replaced whole (under the store's lock) when partitions are added or dropped. */
    private volatile Set<Integer> partitions;
    /** Held partitions added at run time that have not caught up once yet. */
    private volatile Set<Integer> loading = Set.of();
    /** Partitions whose keys are still to be deleted at start (a drop interrupted by a crash), and the topic size. */
    private Set<Integer> dropping = Set.of();

    private int droppingOf;
    private final Path dir;
    private final CaughtUpFile caughtUpFile;
    private final RocksViewDb rocks;
    /** Null until the ingest thread has opened it ({@link #openNearCache}), or when opening it failed. */
    private volatile NearCache nearCache;

    private final Object nearCacheOpening = new Object();
    /** Opened empty and not refilled yet; taken by the ingest thread ({@link #openNearCache}). Under the lock. */
    private boolean nearCacheRefillDue;

    private final HotKeyPolicy policy;
    private final IngestSink ingestSink;
    private volatile Ingestor ingestor;
    private final VersionMeters meters;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    private final Map<Integer, Long> appliedOffsets = new ConcurrentHashMap<>();
    /** Whether reads try the near-cache: from its open until a failure (then false until restart). */
    private volatile boolean nearCacheUsable;
    /** A near-cache read, write or open failed: it is not vouched for at close, so the restart rebuilds it. */
    private volatile boolean nearCacheFailed;

    private final LongAdder nearCacheReadErrors = new LongAdder();
    /** Set before closing, so reads failing on the closed handles are not taken for a broken file. */
    private volatile boolean closing;

    private final LoadMode loadMode;
    private volatile Supplier<List<byte[]>> warmKeys = List::of;
    private volatile boolean loaded;

    /** A version on its own: no meters, a block cache of its own (tests and tools). */
    VersionStore(ViewDescriptor descriptor, Set<Integer> partitions, LoadMode loadMode, Path dir, StoreConfig config) {
        this(descriptor, partitions, loadMode, dir, config, VersionMeters.NONE, null);
    }

    /** @param blockCache the store's block cache, shared by its versions; null: one of this version's own */
    VersionStore(
            ViewDescriptor descriptor,
            Set<Integer> partitions,
            LoadMode loadMode,
            Path dir,
            StoreConfig config,
            VersionMeters meters,
            BlockCache blockCache) {
        this.descriptor = descriptor;
        this.config = config;
        this.loadMode = loadMode;
        this.partitions = Set.copyOf(partitions);
        this.dir = dir;
        this.meters = meters;
        this.rocks = blockCache == null
                ? new RocksViewDb(
                        dir.resolve("rocksdb"), config.syncWrites(), meters.enabled(), config.blockCacheBytes())
                : new RocksViewDb(dir.resolve("rocksdb"), config.syncWrites(), meters.enabled(), blockCache);
        Map<Integer, Long> stored = rocks.offsets();
        appliedOffsets.putAll(stored);
        // The marker says "still loading", not "loaded": a version written before markers existed counts as whole.
        this.loaded = !Files.exists(dir.resolve(LOADING_MARKER));
        this.policy = new HotKeyPolicy(config.nearCacheEntries());
        this.ingestSink = new VersionIngestSink(this, config);
        this.ingestor = new Ingestor(ingestSink, meters, config);
        // a restart while the broker is unreachable then still counts the data's age from its last catch-up
        this.caughtUpFile = new CaughtUpFile(dir);
        ingestor.caughtUpBefore(caughtUpFile.read());
        meters.bindRocks(rocks);
        meters.bindIngest(() -> ingestor.failing());
        meters.bindNearCache(() -> nearCacheUsable);
        meters.bindDiskPause(() -> ingestor.pausedForDisk());
    }

    /** What the manifest says of partitions added or dropped at run time; before {@link #start}. */
    void restore(VersionManifest m) {
        this.loading = m.loading();
        this.dropping = m.dropping();
        this.droppingOf = m.topicPartitions();
    }

    /**
     * Finishes a drop a crash interrupted, then starts ingest, which opens the near-cache (refilling it from RocksDB
     * when it was not trusted) before it reads the topic.
     */
    void start() {
        finishInterruptedDrop();
        ingestor.start();
    }

    /**
     * The ingest thread's first step: opens the near-cache if nothing has yet (see {@link #openNearCacheIfNeeded}).
     *
     * @return whether it was opened empty (not trusted) and nobody has refilled it yet: the caller refills it
     */
    boolean openNearCache() {
        synchronized (nearCacheOpening) {
            openNearCacheIfNeeded();
            boolean due = nearCacheRefillDue;
            nearCacheRefillDue = false;
            return due;
        }
    }

    /**
     * Opens the near-cache if it is not open yet, and from then on reads try it: on the ingest thread before it
     * ingests, or on another thread while ingest is stopped or not started (partition changes, status checks).
     * Nothing writes the version before this, so the file's marker still speaks for it. A failure leaves reads on
     * RocksDB until restart, like a read failure does: RocksDB answers every key, only slower.
     */
    private void openNearCacheIfNeeded() {
        synchronized (nearCacheOpening) {
            if (nearCache != null || nearCacheFailed || closing) {
                return;
            }
            try {
                long t0 = System.nanoTime();
                NearCache nc = NearCache.open(dir, config, rocks.offsets());
                policy.attach(nc);
                nearCache = nc;
                nearCacheRefillDue = !nc.trustedAtOpen();
                nearCacheUsable = true;
                LOG.info(
                        "near-cache of {} open in {} ms ({})",
                        descriptor,
                        (System.nanoTime() - t0) / 1_000_000,
                        nc.trustedAtOpen() ? "warm" : "rebuilt: " + nc.distrustReason());
            } catch (RuntimeException e) {
                nearCacheFailed = true;
                LOG.error("near-cache of {} cannot be opened; reads go to RocksDB until restart", descriptor, e);
            }
        }
    }

    /** The near-cache, opened here if the ingest thread has not yet; null when it cannot be opened or is closed. */
    private NearCache settledNearCache() {
        openNearCacheIfNeeded();
        return nearCache;
    }

    /** Deletes the keys of partitions a crash left listed as dropping, then forgets them; before ingest. */
    void finishInterruptedDrop() {
        if (!dropping.isEmpty()) {
            openNearCacheIfNeeded(); // the deleted keys must leave it too, or a trusted file would serve them

            LOG.info("{}: finishing the drop of partitions {} interrupted before", descriptor, dropping);
            deleteKeysOf(dropping, droppingOf);
            dropping = Set.of();
            writeManifest(Set.of(), 0);
        }
    }

    private void writeManifest(Set<Integer> droppingNow, int topicPartitions) {
        new VersionManifest(descriptor, partitions, loadMode, loading, droppingNow, topicPartitions).write(dir);
    }

    /**
     * Starts holding {@code added} too: recorded in the manifest (held, loading), then ingest restarts on the new
     * set and reads them from offset 0 while the other partitions go on from their stored offsets. The caller
     * (the store) serialises changes. Ingest of the other partitions pauses for the restart only (a consumer).
     */
    void addPartitions(Set<Integer> added) {
        java.util.Set<Integer> nextLoading = new TreeSet<>(loading);
        java.util.Set<Integer> next = new TreeSet<>(partitions);
        for (int p : added) {
            if (next.add(p)) {
                nextLoading.add(p);
            }
        }
        if (next.size() == partitions.size()) {
            return;
        }
        ingestor.stop();
        openNearCacheIfNeeded(); // ingest may have stopped before opening it: RocksDB must not move on without it
        partitions = Set.copyOf(next);
        loading = Set.copyOf(nextLoading);
        writeManifest(Set.of(), 0);
        restartIngest();
        LOG.info("{}: added partitions {}; now holding {}, loading {}", descriptor, added, partitions, loading);
    }

    /**
     * Stops holding {@code dropped}: ingest stops, the manifest lists them as dropping, their keys leave RocksDB
     * and the near-cache (a scan of every key: see {@link RocksViewDb#deletePartitions}), the manifest forgets
     * them, and ingest restarts on the rest. Reads of their keys meanwhile may answer either the value or nothing;
     * the node stops routing them here before it calls this.
     *
     * @param topicPartitions the topic's partition count, which decides which keys are of a partition
     */
    void dropPartitions(Set<Integer> dropped, int topicPartitions) {
        java.util.Set<Integer> next = new TreeSet<>(partitions);
        java.util.Set<Integer> gone = new TreeSet<>();
        for (int p : dropped) {
            if (next.remove(p)) {
                gone.add(p);
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        if (next.isEmpty()) {
            throw new IllegalArgumentException(
                    descriptor + ": dropping " + dropped + " would leave no partition;" + " drop the version instead");
        }
        ingestor.stop();
        openNearCacheIfNeeded(); // the dropped keys must leave it too, or a file vouched for later would serve them
        java.util.Set<Integer> nextLoading = new TreeSet<>(loading);
        nextLoading.removeAll(gone);
        partitions = Set.copyOf(next);
        loading = Set.copyOf(nextLoading);
        writeManifest(gone, topicPartitions);
        long deleted = deleteKeysOf(gone, topicPartitions);
        for (int p : gone) {
            appliedOffsets.remove(p);
        }
        writeManifest(Set.of(), 0);
        restartIngest();
        LOG.info(
                "{}: dropped partitions {} ({} values deleted); now holding {}", descriptor, gone, deleted, partitions);
    }

    private long deleteKeysOf(Set<Integer> gone, int topicPartitions) {
        if (topicPartitions <= 0) {
            throw new IllegalArgumentException("topic partition count " + topicPartitions + " <= 0");
        }
        return rocks.deletePartitions(
                key -> gone.contains(io.matstore.schemas.Partitioner.partition(key, topicPartitions)),
                gone,
                10_000,
                keys -> {
                    if (!nearCacheUsable) {
                        return;
                    }
                    try {
                        for (byte[] key : keys) {
                            nearCache.remove(key);
                        }
                    } catch (RuntimeException e) {
                        disableNearCache(e);
                    }
                });
    }

    private void restartIngest() {
        Ingestor next = new Ingestor(ingestSink, meters, config);
        // the partitions held before were caught up then, and a partition being added does not answer yet: keep
        // the time, or every held value would look as old as when it was computed until the next catch-up
        next.caughtUpBefore(ingestor.lastCaughtUpMillis());
        ingestor = next;
        next.start();
    }

    @Override
    public ViewDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public int read(ByteBuffer key, ByteBuffer dst) {
        if (nearCacheUsable) {
            int n = readNear(key, dst);
            if (n != NearCache.MISS) {
                hits.increment();
                policy.onHit(key);
                return n;
            }
        }
        misses.increment();
        int n = rocks.get(key, dst);
        if (n >= 0) {
            policy.onMiss(key);
        }
        return n;
    }

    /**
     * A near-cache lookup that turns a failure into a miss, so the caller reads the same version's RocksDB, which
     * holds every value the near-cache does. The first failure also turns the near-cache off until restart (it is
     * then not vouched for at close, so the restart rebuilds it): a mapped file that failed once may be corrupt,
     * and serving from it risks a wrong value, while RocksDB only costs microseconds more.
     */
    private int readNear(ByteBuffer key, ByteBuffer dst) {
        try {
            return nearCache.read(key, dst);
        } catch (RuntimeException e) {
            onNearCacheReadError(e);
            return NearCache.MISS;
        }
    }

    private void onNearCacheReadError(RuntimeException e) {
        nearCacheReadErrors.increment();
        meters.onNearCacheReadError();
        if (closing) {
            return; // closed under a reader while the version is dropped or closed: not a fault of the file
        }
        synchronized (nearCacheReadErrors) {
            if (nearCacheUsable) {
                nearCacheFailed = true;
                nearCacheUsable = false;
                LOG.error(
                        "near-cache of {} failed on a read; reads go to RocksDB until restart, which rebuilds it",
                        descriptor,
                        e);
            }
        }
    }

    /** Whether ingest stopped for good on an error it cannot survive (the status says which; restart the node). */
    public boolean ingestStoppedByFatalError() {
        return ingestor.stoppedByFatalError();
    }

    /** Near-cache reads that failed and were answered from RocksDB, since open. */
    public long nearCacheReadErrors() {
        return nearCacheReadErrors.sum();
    }

    /** Whether reads still try the near-cache (false after a failure, until restart). */
    public boolean nearCacheUsable() {
        return nearCacheUsable;
    }

    @Override
    public boolean loaded() {
        return loaded;
    }

    /**
     * Marks a fresh version's directory as loading, durably, before anything else of it is written: a restart then
     * never takes a partial version for a whole one.
     */
    static void markLoading(Path dir) {
        Path marker = dir.resolve(LOADING_MARKER);
        try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.force(true);
            NearCacheMarker.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create " + marker + ": " + e.getMessage(), e);
        }
    }

    /** Ingest caught up with the ends seen at {@code millis}; on the ingest thread. */
    void onCaughtUp(long millis) {
        caughtUpFile.onCaughtUp(millis, System.currentTimeMillis());
    }

    /**
     * Records that the first load finished (the bulk part is in, or live ingest caught up once), durably. Ingest
     * thread only; later calls do nothing.
     */
    void markLoaded() {
        if (!loading.isEmpty()) {
            Set<Integer> caughtUp = loading;
            loading = Set.of();
            writeManifest(Set.of(), 0);
            LOG.info("{}: partitions {} added at run time are loaded", descriptor, caughtUp);
        }
        if (loaded) {
            return;
        }
        Path marker = dir.resolve(LOADING_MARKER);
        try {
            Files.deleteIfExists(marker);
            NearCacheMarker.fsyncDirectory(dir);
        } catch (IOException e) {
            // Loaded in memory; after a restart it counts as loaded again at its next catch-up.
            LOG.warn("cannot record that {} is loaded (delete {}): {}", descriptor, marker, e.toString());
        }
        loaded = true;
        LOG.info("{} is loaded: it may become current and answer pinned requests", descriptor);
    }

    /** Reads like {@link #read} without counting hits, misses or frequencies (operator checks). */
    ViewReader uncountedReader() {
        return new ViewReader() {
            @Override
            public ViewDescriptor descriptor() {
                return descriptor;
            }

            @Override
            public int read(ByteBuffer key, ByteBuffer dst) {
                if (nearCacheUsable) {
                    int n = readNear(key, dst);
                    if (n != NearCache.MISS) {
                        return n;
                    }
                }
                return rocks.get(key, dst);
            }
        };
    }

    /**
     * Applies one polled batch: values, tombstones and the partitions' next offsets to RocksDB atomically, then the
     * same changes to the near-cache. Ingest thread only.
     *
     * <p>Order, so that no reader ever sees a key's value go backwards: (1) the batch's keys leave the near-cache,
     * (2) RocksDB takes the batch, (3) the near-cache takes each key's last value of the batch. A reader of a key
     * then sees, in time: the old value near, the old value from RocksDB, the new value from RocksDB, the new value
     * near. Updating the near-cache in place after RocksDB (the first design) let a reader that missed read the new
     * value from RocksDB and then hit the old one still cached, about once per 20,000 concurrent updates under
     * eviction churn (ConcurrentReadersTest).
     *
     * <p>Freshness is recorded right after step (2), when readers can see the batch, for every record of it, but
     * only once this version has finished its first load: before that it does not answer, and its records (history
     * replayed live, or the bulk part, which never comes through here) say how long loading takes, not how fresh
     * answers are. After a restart the catch-up does count: those records really became servable that late, while
     * the node served older values.
     */
    void apply(List<ConsumerRecord<byte[], byte[]>> records, Map<Integer, Long> nextOffsets) {
        Collection<ConsumerRecord<byte[], byte[]>> changes = lastPerKey(records);
        if (nearCacheUsable) {
            try {
                for (ConsumerRecord<byte[], byte[]> r : changes) {
                    nearCache.remove(r.key());
                }
            } catch (RuntimeException e) {
                disableNearCache(e);
            }
        }
        try (WriteBatch batch = new WriteBatch()) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.value() == null) {
                    rocks.deleteValue(batch, r.key());
                } else {
                    rocks.putValue(batch, r.key(), r.value());
                }
            }
            for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
                rocks.putOffset(batch, e.getKey(), e.getValue());
            }
            rocks.write(batch);
        }
        if (loaded) {
            Set<Integer> stillLoading = loading;
            // a partition added at run time replays its history: like a first load, it says nothing of freshness
            meters.onApplied(
                    stillLoading.isEmpty() ? records : servedOnly(records, stillLoading), System.currentTimeMillis());
        }
        appliedOffsets.putAll(nextOffsets);
        if (!nearCacheUsable) {
            return;
        }
        try {
            for (ConsumerRecord<byte[], byte[]> r : changes) {
                if (r.value() == null) {
                    policy.onRemoved(r.key());
                } else {
                    policy.onIngest(r.key(), r.value());
                }
            }
        } catch (RuntimeException e) {
            disableNearCache(e);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> servedOnly(
            List<ConsumerRecord<byte[], byte[]>> records, Set<Integer> loadingPartitions) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (!loadingPartitions.contains(r.partition())) {
                out.add(r);
            }
        }
        return out;
    }

    private void disableNearCache(RuntimeException e) {
        // A near-cache that missed part of a batch could serve an old value: stop using it.
        nearCacheFailed = true;
        nearCacheUsable = false;
        LOG.error(
                "near-cache of {} failed while applying a batch; serving from RocksDB only until restart",
                descriptor,
                e);
    }

    /** Each key's last change in the batch, in the order keys first appear: all the near-cache needs. */
    private static Collection<ConsumerRecord<byte[], byte[]>> lastPerKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<ByteBuffer, ConsumerRecord<byte[], byte[]>> last = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            last.put(ByteBuffer.wrap(r.key()), r);
        }
        return last.values();
    }

    /** Promotes keys that were read from RocksDB and have become hot. Ingest thread only. */
    void maintainNearCache() {
        if (nearCacheUsable) {
            policy.promote(rocks);
        }
    }

    /**
     * Where {@link #warmNearCache} takes the keys to cache first: the view's current version's near-cache, i.e. the
     * keys its admission found hot. Set by the store before ingest starts.
     */
    void warmKeysFrom(Supplier<List<byte[]>> source) {
        this.warmKeys = source;
    }

    /**
     * Fills the near-cache of a freshly bulk-loaded version: first with this version's values of the keys hot in the
     * current version (the traffic a swap will bring), then in key order up to capacity. Ingest thread only.
     */
    void warmNearCache() {
        NearCache nc = nearCache;
        if (nc == null) {
            return; // it could not be opened: RocksDB answers
        }
        long seeded = 0;
        try {
            for (byte[] key : warmKeys.get()) {
                byte[] value = rocks.getCopy(key);
                if (value != null && nc.hasRoomFor(value.length) && nc.put(key, value, true)) {
                    seeded++;
                }
            }
        } catch (RuntimeException e) {
            // e.g. the current version was dropped meanwhile: the key-order fill below still warms this one
            LOG.warn("could not take hot keys for {} from the current version: {}", descriptor, e.toString());
        }
        LOG.info("near-cache of {} seeded with {} keys hot in the current version", descriptor, seeded);
        refillNearCache();
    }

    /** Keys in the near-cache now, at most {@code max}: the hot set its admission policy keeps. */
    List<byte[]> nearCacheKeys(long max) {
        List<byte[]> keys = new ArrayList<>();
        NearCache nc = nearCache;
        if (nc == null) {
            return keys; // not open yet: no hot set known
        }
        for (int segment = 0; segment < nc.segments() && keys.size() < max; segment++) {
            nc.forEachKeyInSegment(segment, k -> {
                keys.add(k);
                return keys.size() < max;
            });
        }
        return keys;
    }

    /**
     * Fills an empty (rebuilt) near-cache from RocksDB up to its capacity. Ingest thread only, before ingest. Stops
     * at the first value that does not fit: going on through every key of a large version (2 s per million in
     * BulkLoadRun) would at best add a few smaller values.
     */
    void refillNearCache() {
        NearCache nc = nearCache;
        if (nc == null) {
            return;
        }
        long[] added = new long[1];
        rocks.forEachWhile((k, v) -> {
            // a refill of a large version takes seconds and now runs as the node answers: a close or drop meanwhile
            // must not wait for it (the ingest thread's stop waits 30 s) nor have it read closed handles
            if (closing || !nc.hasRoomFor(v.length)) {
                return false;
            }
            if (nc.put(k, v, true)) {
                added[0]++;
            }
            return true;
        });
        LOG.info("near-cache of {} refilled from RocksDB with {} entries", descriptor, added[0]);
    }

    /**
     * Whether the near-cache file was vouched for by its clean-shutdown marker at open (else it was rebuilt); opens
     * it if the ingest thread has not yet.
     */
    public boolean nearCacheTrustedAtOpen() {
        NearCache nc = settledNearCache();
        return nc != null && nc.trustedAtOpen();
    }

    /** Why the near-cache was not trusted at open, or null; waits like {@link #nearCacheTrustedAtOpen}. */
    public String nearCacheDistrustReason() {
        NearCache nc = settledNearCache();
        return nc == null ? "could not be opened" : nc.distrustReason();
    }

    /** Entries in the near-cache now (0 before it is open). */
    public long nearCacheEntries() {
        NearCache nc = nearCache;
        return nc == null ? 0 : nc.entries();
    }

    /** A bulk-mode version that has not stored offsets yet: its bulk part has not finished. */
    boolean needsBulkLoad() {
        return loadMode == LoadMode.BULK && rocks.offsets().isEmpty();
    }

    /** Stores the offsets the bulk part loaded up to, after all its files are in. Ingest thread only. */
    void finishBulk(Map<Integer, Long> nextOffsets) {
        rocks.writeOffsetsDurably(nextOffsets);
        appliedOffsets.putAll(nextOffsets);
    }

    LoadMode loadMode() {
        return loadMode;
    }

    /** Exact number of stored responses (a key scan). */
    public long countEntries() {
        return rocks.countValues();
    }

    /** Up to {@code n} stored keys drawn uniformly (one key scan). */
    public List<byte[]> sampleKeys(int n, java.util.Random random) {
        return rocks.sampleKeys(n, random);
    }

    Map<Integer, Long> storedOffsets() {
        return rocks.offsets();
    }

    Set<Integer> partitions() {
        return partitions;
    }

    Path dir() {
        return dir;
    }

    RocksViewDb rocks() {
        return rocks;
    }

    /** The open near-cache, opened here if the ingest thread has not yet (tests, benchmarks). */
    NearCache nearCache() {
        NearCache nc = settledNearCache();
        if (nc == null) {
            throw new IllegalStateException("near-cache of " + descriptor + " could not be opened");
        }
        return nc;
    }

    boolean awaitCaughtUp(long timeoutMillis) throws InterruptedException {
        return ingestor.awaitCaughtUp(timeoutMillis);
    }

    ViewStatus status(boolean current) {
        List<ViewStatus.PartitionStatus> ps = new ArrayList<>();
        Map<Integer, Long> ends = ingestor.endOffsets();
        for (int p : new TreeSet<>(partitions)) {
            long offset = appliedOffsets.getOrDefault(p, 0L);
            ps.add(new ViewStatus.PartitionStatus(
                    p, offset, Math.max(offset, ends.getOrDefault(p, offset)), loaded && !loading.contains(p)));
        }
        LoadProgress load = ingestor.progress();
        return new ViewStatus(
                descriptor.name(),
                descriptor.version(),
                current,
                List.copyOf(ps),
                rocks.estimatedEntries(),
                directorySize(dir),
                mappedBytes(),
                hits.sum(),
                misses.sum(),
                ingestor.lastCaughtUpMillis(),
                ingestor.error(),
                load.phase(),
                load.loadedRecords(),
                load.targetRecords(),
                loaded);
    }

    /** The near-cache's mapped size; 0 once it failed (status must not fail with it). */
    private long mappedBytes() {
        NearCache nc = nearCache;
        if (nc == null) {
            return 0;
        }
        try {
            return nc.mappedBytes();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static long directorySize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0; // a RocksDB file compacted away while walking
                        }
                    })
                    .sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** Stops ingest, then closes the near-cache (with its clean marker when it is in step with RocksDB) and RocksDB. */
    void close() {
        closing = true;
        ingestor.stop();
        caughtUpFile.flush(ingestor.lastCaughtUpMillis(), System.currentTimeMillis());
        meters.close();
        try {
            // under the opening lock: an open still running on an ingest thread that outlived stop() ends first
            synchronized (nearCacheOpening) {
                NearCache nc = nearCache;
                if (nc != null && !nearCacheFailed) {
                    nc.closeClean(rocks.offsets());
                } else if (nc != null) {
                    nc.close();
                }
                // never opened: its file and marker are as the last clean stop left them, and so is RocksDB
            }
        } finally {
            rocks.close();
        }
    }

    /** Stops ingest and closes without vouching for the near-cache (before deleting the files). */
    void closeForDrop() {
        closing = true;
        ingestor.stop();
        meters.close();
        try {
            synchronized (nearCacheOpening) {
                NearCache nc = nearCache;
                if (nc != null) {
                    nc.close();
                }
            }
        } finally {
            rocks.close();
        }
    }
}
