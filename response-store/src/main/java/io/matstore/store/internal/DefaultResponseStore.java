package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.LoadMode;
import io.matstore.store.QuarantinedVersion;
import io.matstore.store.StoreConfig;
import io.matstore.store.StoreException;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.rocksdb.Env;
import org.rocksdb.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store: views by name, each with its versions side by side and a current one. Reads ({@link #current},
 * {@link #version}) are lock-free map lookups and a volatile read; changes (add, swap, rollback, drop, close) are
 * serialised on this object and recorded on disk before they take effect in memory.
 *
 * <pre>
 *   &lt;dataDir&gt;/&lt;view&gt;/current.properties   current=N, previous=M (absent: no version made current yet)
 *   &lt;dataDir&gt;/&lt;view&gt;/v&lt;N&gt;/               one {@link VersionStore}
 * </pre>
 */
public final class DefaultResponseStore implements VersionedResponseStore {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultResponseStore.class);
    private static final String CURRENT_FILE = "current.properties";
    private static final String RETIRED_DIR = "retired";

    private final StoreConfig config;
    /** Null: no metrics. */
    private final MeterRegistry registry;

    private final Map<String, ViewSlot> views = new ConcurrentHashMap<>();
    private final Quarantine quarantine = new Quarantine();
    /** Every held version's data blocks, closed after the last version. */
    private final BlockCache blockCache;

    private volatile boolean closed;

    /** Versions of one view. */
    private static final class ViewSlot {
        final Map<Integer, VersionStore> versions = new ConcurrentHashMap<>();
        volatile VersionStore current;
        int previous;
    }

    private DefaultResponseStore(StoreConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.blockCache = new BlockCache(config.blockCacheBytes());
        if (config.backgroundNice() > 0) {
            // RocksDB's compaction threads are native, started by RocksDB: its own call lowers them (to nice 19, the
            // only value it offers), for every RocksDB of the process, for good. Flushes (the HIGH pool) keep their
            // priority: a starved flush would stall writes.
            Env.getDefault().lowerThreadPoolCPUPriority(Priority.LOW);
        }
        if (registry != null) {
            Gauge.builder(
                            "matstore_store_quarantined_versions",
                            quarantine,
                            q -> q.all().size())
                    .description("Versions found unopenable at start and moved aside (see the store's status)")
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** Opens the store and every version under the data directory, each resuming ingest from its stored offsets. */
    public static DefaultResponseStore open(StoreConfig config) {
        return open(config, null);
    }

    /**
     * Like {@link #open(StoreConfig)}, registering each version's meters on {@code registry} (null: none) while the
     * version is held.
     */
    public static DefaultResponseStore open(StoreConfig config, MeterRegistry registry) {
        DefaultResponseStore store = new DefaultResponseStore(config, registry);
        try {
            Files.createDirectories(config.dataDir());
            store.reopenExisting();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e instanceof StoreException se
                    ? se
                    : new StoreException("cannot open store at " + config.dataDir() + ": " + e.getMessage(), e);
        }
        return store;
    }

    private void reopenExisting() throws IOException {
        try (Stream<Path> viewDirs = Files.list(config.dataDir())) {
            for (Path viewDir : viewDirs.filter(Files::isDirectory).sorted().toList()) {
                removeLeftovers(viewDir);
                try (Stream<Path> versionDirs = Files.list(viewDir)) {
                    for (Path dir : versionDirs
                            .filter(d -> Files.exists(d.resolve(VersionManifest.FILE)))
                            .sorted()
                            .toList()) {
                        reopenOrQuarantine(viewDir.getFileName().toString(), dir);
                    }
                }
                Path currentFile = viewDir.resolve(CURRENT_FILE);
                ViewSlot slot = views.get(viewDir.getFileName().toString());
                if (slot != null && Files.exists(currentFile)) {
                    Properties p = VersionManifest.readProperties(currentFile);
                    slot.current = slot.versions.get(Integer.parseInt(p.getProperty("current", "0")));
                    slot.previous = Integer.parseInt(p.getProperty("previous", "0"));
                }
            }
        }
    }

    /**
     * Reopens one version; one that cannot be opened (a corrupt RocksDB file, a near-cache that cannot be mapped, an
     * unreadable manifest) is moved aside and, when its manifest says what it held, loaded afresh from its view
     * topic under the same name. One bad version must not keep the node, and its other versions, from starting.
     */
    private void reopenOrQuarantine(String viewName, Path dir) {
        VersionManifest m;
        try {
            m = VersionManifest.read(dir);
        } catch (RuntimeException e) {
            Path aside = quarantine.moveAside(viewName, Quarantine.versionOf(dir), dir, e.toString(), false);
            LOG.error(
                    "version directory {} has an unreadable manifest; moved aside to {} and NOT rebuilt"
                            + " (nothing says which partitions it held): add the version again",
                    dir,
                    aside,
                    e);
            return;
        }
        try {
            openVersion(m, dir);
            return;
        } catch (RuntimeException e) {
            forget(m.view());
            Path aside = quarantine.moveAside(m.view().name(), m.view().version(), dir, e.toString(), true);
            LOG.error(
                    "{} cannot be opened; moved aside to {} for inspection, rebuilding it from {} (partitions {})",
                    m.view(),
                    aside,
                    m.view().topic(),
                    m.partitions(),
                    e);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create " + dir + " to rebuild " + m.view() + ": " + e.getMessage(), e);
        }
        VersionStore.markLoading(dir);
        VersionManifest fresh = new VersionManifest(m.view(), m.partitions(), m.loadMode());
        fresh.write(dir);
        openVersion(fresh, dir);
    }

    /** Removes a version that failed half-way through opening from the view's slot, closing what it opened. */
    private void forget(ViewDescriptor view) {
        ViewSlot slot = views.get(view.name());
        VersionStore vs = slot == null ? null : slot.versions.remove(view.version());
        if (vs != null) {
            try {
                vs.closeForDrop();
            } catch (RuntimeException e) {
                LOG.warn("closing {} after it failed to open: {}", view, e.toString());
            }
        }
    }

    @Override
    public List<QuarantinedVersion> quarantined() {
        return quarantine.all();
    }

    private VersionStore openVersion(VersionManifest m, Path dir) {
        ViewDescriptor view = m.view();
        Set<Integer> partitions = m.partitions();
        VersionMeters meters = registry == null ? VersionMeters.NONE : new VersionMeters(registry, view);
        VersionStore vs = new VersionStore(view, partitions, m.loadMode(), dir, config, meters, blockCache);
        vs.restore(m);
        ViewSlot slot = views.computeIfAbsent(view.name(), n -> new ViewSlot());
        slot.versions.put(view.version(), vs);
        vs.warmKeysFrom(() -> {
            VersionStore current = slot.current;
            return current == null || current == vs ? List.of() : current.nearCacheKeys(config.nearCacheEntries());
        });
        vs.start();
        LOG.info("holding {} partitions {} (near-cache opening on the ingest thread)", view, partitions);
        return vs;
    }

    private Path versionDir(String view, int version) {
        return config.dataDir().resolve(view).resolve("v" + version);
    }

    @Override
    public synchronized void addVersion(ViewDescriptor view, Set<Integer> partitions, LoadMode mode) {
        checkOpen();
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("no partitions given for " + view);
        }
        VersionStore held = held(view.name(), view.version());
        if (held != null) {
            if (!held.partitions().equals(Set.copyOf(partitions))
                    || !held.descriptor().equals(view)) {
                throw new IllegalStateException(
                        view + " is held with partitions " + held.partitions() + " as " + held.descriptor()
                                + "; asked for " + partitions + " (change them with addPartitions and dropPartitions)");
            }
            return;
        }
        Path dir = versionDir(view.name(), view.version());
        try {
            if (Files.exists(dir)) {
                // not held, so not opened at start: a leftover (see removeLeftovers), never to be reused
                LOG.warn("deleting leftover {} before adding {} afresh", dir, view);
                deleteRecursively(dir);
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        VersionStore.markLoading(dir);
        VersionManifest m = new VersionManifest(view, partitions, mode);
        m.write(dir);
        openVersion(m, dir);
    }

    @Override
    public synchronized void addPartitions(String viewName, int version, Set<Integer> partitions) {
        checkOpen();
        heldOrThrow(viewName, version).addPartitions(partitions);
    }

    @Override
    public synchronized void dropPartitions(
            String viewName, int version, Set<Integer> partitions, int topicPartitions) {
        checkOpen();
        heldOrThrow(viewName, version).dropPartitions(partitions, topicPartitions);
    }

    @Override
    public synchronized int makeCurrent(String viewName, int version) {
        checkOpen();
        VersionStore target = held(viewName, version);
        if (target == null) {
            throw new IllegalArgumentException("view " + viewName + " version " + version + " is not held");
        }
        ViewSlot slot = views.get(viewName);
        VersionStore before = slot.current;
        int previous = before == null ? 0 : before.descriptor().version();
        if (previous == version) {
            return previous;
        }
        if (before != null && !target.loaded()) {
            throw new IllegalStateException("view " + viewName + " version " + version + " is still loading; version "
                    + previous + " keeps answering");
        }
        writeCurrent(viewName, version, previous);
        slot.previous = previous;
        slot.current = target;
        LOG.info("view {} now answers from version {} (was {})", viewName, version, previous);
        return previous;
    }

    @Override
    public synchronized int rollback(String viewName) {
        checkOpen();
        ViewSlot slot = views.get(viewName);
        if (slot == null || slot.previous == 0 || !slot.versions.containsKey(slot.previous)) {
            throw new IllegalStateException("view " + viewName + " has no previous version held to roll back to");
        }
        int back = slot.previous;
        makeCurrent(viewName, back);
        return back;
    }

    @Override
    public synchronized void dropVersion(String viewName, int version) {
        checkOpen();
        ViewSlot slot = views.get(viewName);
        VersionStore vs = slot == null ? null : slot.versions.get(version);
        if (vs == null) {
            return;
        }
        if (slot.current == vs) {
            throw new IllegalStateException(
                    "view " + viewName + " version " + version + " is current; make another version current first");
        }
        slot.versions.remove(version);
        if (slot.previous == version) {
            slot.previous = 0;
            if (slot.current != null) {
                writeCurrent(viewName, slot.current.descriptor().version(), 0);
            }
        }
        vs.closeForDrop();
        Path retired = moveToRetired(viewName, vs.dir());
        deleteRecursively(retired);
        LOG.info("dropped view {} version {} and its files", viewName, version);
    }

    @Override
    public boolean awaitCaughtUp(String viewName, int version, Duration timeout) throws InterruptedException {
        VersionStore vs = held(viewName, version);
        if (vs == null) {
            throw new IllegalArgumentException("view " + viewName + " version " + version + " is not held");
        }
        return vs.awaitCaughtUp(timeout.toMillis());
    }

    @Override
    public ViewReader inspectionReader(String viewName, int version) {
        checkOpen();
        VersionStore vs = held(viewName, version);
        return vs == null ? null : vs.uncountedReader();
    }

    @Override
    public long countEntries(String viewName, int version) {
        return heldOrThrow(viewName, version).countEntries();
    }

    @Override
    public List<byte[]> sampleKeys(String viewName, int version, int n, long seed) {
        return heldOrThrow(viewName, version).sampleKeys(n, new java.util.Random(seed));
    }

    private VersionStore heldOrThrow(String viewName, int version) {
        VersionStore vs = held(viewName, version);
        if (vs == null) {
            throw new IllegalArgumentException("view " + viewName + " version " + version + " is not held");
        }
        return vs;
    }

    private void writeCurrent(String viewName, int current, int previous) {
        Properties p = new Properties();
        p.setProperty("current", Integer.toString(current));
        p.setProperty("previous", Integer.toString(previous));
        VersionManifest.writeAtomically(config.dataDir().resolve(viewName).resolve(CURRENT_FILE), p);
    }

    private VersionStore held(String viewName, int version) {
        ViewSlot slot = views.get(viewName);
        return slot == null ? null : slot.versions.get(version);
    }

    @Override
    public ViewReader current(String viewName) {
        checkOpen();
        ViewSlot slot = views.get(viewName);
        return slot == null ? null : slot.current;
    }

    @Override
    public ViewReader version(String viewName, int version) {
        checkOpen();
        return held(viewName, version);
    }

    /** The internal handle of a version, for tests and benchmarks in this module's packages. */
    public VersionStore versionStore(String viewName, int version) {
        return held(viewName, version);
    }

    @Override
    public List<ViewStatus> status() {
        List<ViewStatus> out = new ArrayList<>();
        for (Map.Entry<String, ViewSlot> view : new TreeMap<>(views).entrySet()) {
            for (VersionStore vs : new TreeMap<>(view.getValue().versions).values()) {
                out.add(vs.status(view.getValue().current == vs));
            }
        }
        return out;
    }

    @Override
    public ViewStatus status(String viewName, int version) {
        VersionStore vs = held(viewName, version);
        return vs == null ? null : vs.status(views.get(viewName).current == vs);
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("response store at " + config.dataDir() + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ViewSlot slot : views.values()) {
            for (VersionStore vs : slot.versions.values()) {
                try {
                    vs.close();
                } catch (RuntimeException e) {
                    LOG.error("closing {} failed", vs.descriptor(), e);
                }
            }
        }
        blockCache.close();
    }

    /**
     * Takes a retired version's directory out of the view's namespace in one rename before deleting it: a delete cut
     * short by a crash then leaves {@code <view>/retired/...}, which the next open deletes, never a half-deleted
     * {@code v<N>} that adding the version again would reuse (its RocksDB files half gone).
     */
    private Path moveToRetired(String viewName, Path dir) {
        Path retired = config.dataDir()
                .resolve(viewName)
                .resolve(RETIRED_DIR)
                .resolve(dir.getFileName() + "." + System.currentTimeMillis());
        try {
            Files.createDirectories(retired.getParent());
            Files.move(dir, retired, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            NearCacheMarker.fsyncDirectory(dir.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot move retired " + dir + " to " + retired + ": " + e.getMessage(), e);
        }
        return retired;
    }

    /**
     * Before a view's versions open: finishes retires cut short (deletes {@code retired/}), and deletes version
     * directories without a manifest (an add cut short before its manifest, or a retire cut short by a version of
     * the store that deleted in place): either would be reused by adding the version again.
     */
    private static void removeLeftovers(Path viewDir) throws IOException {
        Path retired = viewDir.resolve(RETIRED_DIR);
        if (Files.exists(retired)) {
            LOG.info("deleting versions whose retire was cut short: {}", retired);
            deleteRecursively(retired);
        }
        try (Stream<Path> dirs = Files.list(viewDir)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                if (Quarantine.versionOf(d) > 0 && !Files.exists(d.resolve(VersionManifest.FILE))) {
                    LOG.warn("deleting {}: a version directory without a manifest (an add or a retire cut short)", d);
                    deleteRecursively(d);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new StoreException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
