package io.matstore.bench.store;

import io.matstore.store.StoreConfig;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.hash.AbstractData;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * Where a near-cache hit's time goes (issue 15, goal 9): the steps between {@link ViewReader#read} and Chronicle Map,
 * each added on top of the previous one and timed in the same JVM, in alternating rounds, as the mean nanoseconds per
 * lookup of a round (10,000 lookups a round, so the timer's own cost is spread over them):
 *
 * <ol>
 *   <li>the copy alone: the envelope's bytes from one direct buffer to another (the floor of any hit);</li>
 *   <li>a bare Chronicle Map read of a map with the near-cache's settings and the same entries: a query context over
 *       a reused {@link PointerBytesStore} of the key, {@code entry()}, the value copied out, the context closed;</li>
 *   <li>the same with the key passed as Chronicle {@code Data} over its memory, hashed straight from it (how
 *       {@code NearCache} passes keys since this run found the reference counting of a {@code BytesStore} key);</li>
 *   <li>the same with a {@link StampedLock} read lock around it and a {@link ThreadLocal} key view (what
 *       {@code NearCache.read} adds to Chronicle);</li>
 *   <li>the store's uncounted hit ({@code inspectionReader}): the above plus the store's own indirections;</li>
 *   <li>the store's counted hit ({@code current(view).read}): plus the hit counter and the hot-key read record.</li>
 * </ol>
 *
 * <pre>
 * ./mvnw -o -q -B -Pbench -pl benchmarks -am package -DskipTests
 * java -Xmx2g $FLAGS -cp benchmarks/target/benchmarks.jar io.matstore.bench.store.NearCacheHitBreakdownRun [keys] [rounds]
 * </pre>
 * Reads rounds' means, not one operation's time: the tail of single operations is {@link NearCacheLatencyRun}'s.
 */
public final class NearCacheHitBreakdownRun {
    private static final int LOOKUPS_PER_ROUND = 10_000;

    private NearCacheHitBreakdownRun() {}

    public static void main(String[] args) throws IOException {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        try (StoreFixture fixture = new StoreFixture(keys, 512)) {
            StoreConfig config = fixture.config(fixture.newDataDir("near"), keys * 2L, keys * 2L * 1024);
            VersionedResponseStore store = fixture.openCaughtUp(config);
            File bareFile =
                    Files.createTempFile("matstore-bare-chronicle-", ".dat").toFile();
            Files.delete(bareFile.toPath());
            ChronicleMap<ByteBuffer, ByteBuffer> bare = null;
            try {
                fixture.kafka.stop();
                ViewReader counted = store.current(StoreFixture.VIEW.name());
                ViewReader uncounted = store.inspectionReader(StoreFixture.VIEW.name(), StoreFixture.VIEW.version());
                ByteBuffer[] keyBuffers = StoreFixture.directKeys(keys);
                ByteBuffer dst = ByteBuffer.allocateDirect(64 * 1024);
                bare = bareMap(config, bareFile, counted, keyBuffers, dst);
                BareReader bareReader = new BareReader(bare);
                GuardedReader guarded = new GuardedReader(bare);
                int size = counted.read(keyBuffers[0], dst);
                ByteBuffer src = ByteBuffer.allocateDirect(size);

                Step[] steps = {
                    new Step("copy of the envelope's bytes (direct to direct)", (k, d) -> {
                        d.put(0, src, 0, size);
                        return size;
                    }),
                    new Step("bare Chronicle Map, key as a BytesStore: query context, entry, copy", bareReader::read),
                    new Step("bare Chronicle Map, key as Data over its memory", bareReader::readWithData),
                    new Step(
                            "BytesStore key + StampedLock read lock, ThreadLocal key view (NearCache.read's additions)",
                            guarded::read),
                    new Step("store hit, uncounted (inspectionReader)", uncounted::read),
                    new Step("store hit, counted (current(view).read)", counted::read),
                };
                for (int r = 0; r < 50; r++) { // warm-up: every step compiled before any is timed
                    for (Step s : steps) {
                        s.round(keyBuffers, dst);
                    }
                }
                Arrays.stream(steps).forEach(s -> s.count = 0);
                for (int r = 0; r < rounds; r++) {
                    for (Step s : steps) {
                        s.means[s.count++] = s.round(keyBuffers, dst);
                    }
                }
                System.out.printf("| step | median ns/lookup | min | p10 | p90 |%n|---|---:|---:|---:|---:|%n");
                for (Step s : steps) {
                    System.out.println(s.row());
                }
            } finally {
                if (bare != null) {
                    bare.close();
                }
                Files.deleteIfExists(bareFile.toPath());
                store.close();
            }
        }
    }

    /** A map built like the near-cache's (NearCache.builder) and holding the same entries. */
    private static ChronicleMap<ByteBuffer, ByteBuffer> bareMap(
            StoreConfig config, File file, ViewReader reader, ByteBuffer[] keys, ByteBuffer dst) throws IOException {
        ChronicleMap<ByteBuffer, ByteBuffer> map = ChronicleMap.of(ByteBuffer.class, ByteBuffer.class)
                .name("bare-nearcache")
                .skipCloseOnExitHook(true)
                .sparseFile(false)
                .entries(config.nearCacheEntries() + config.nearCacheEntries() / 4 + 64)
                .averageKeySize(config.averageKeyBytes())
                .averageValueSize(config.averageValueBytes() * 1.25)
                .createPersistedTo(file);
        for (ByteBuffer k : keys) {
            int n = reader.read(k, dst.clear());
            ByteBuffer value = ByteBuffer.allocate(n);
            value.put(0, dst, 0, n);
            map.put(k.duplicate(), value);
        }
        return map;
    }

    @FunctionalInterface
    private interface Lookup {
        int read(ByteBuffer key, ByteBuffer dst);
    }

    private static final class Step {
        final String name;
        final Lookup lookup;
        final double[] means = new double[100_000];
        int count;
        int next;

        Step(String name, Lookup lookup) {
            this.name = name;
            this.lookup = lookup;
        }

        double round(ByteBuffer[] keys, ByteBuffer dst) {
            long t0 = System.nanoTime();
            for (int i = 0; i < LOOKUPS_PER_ROUND; i++) {
                if (lookup.read(keys[next], dst) < 0) {
                    throw new IllegalStateException("key " + next + " not found by " + name);
                }
                next = next + 1 == keys.length ? 0 : next + 1;
            }
            return (System.nanoTime() - t0) / (double) LOOKUPS_PER_ROUND;
        }

        String row() {
            double[] m = Arrays.copyOf(means, count);
            Arrays.sort(m);
            return String.format(
                    "| %s | %.0f | %.0f | %.0f | %.0f |",
                    name, m[m.length / 2], m[0], m[m.length / 10], m[m.length * 9 / 10]);
        }
    }

    /** Chronicle alone, the two ways NearCache has passed it keys: no lock of ours, one key view reused. */
    private static final class BareReader {
        private final ChronicleMap<ByteBuffer, ByteBuffer> map;
        private final PointerBytesStore keyView = new PointerBytesStore();
        private final DirectKeyData keyData = new DirectKeyData();

        BareReader(ChronicleMap<ByteBuffer, ByteBuffer> map) {
            this.map = map;
        }

        int read(ByteBuffer key, ByteBuffer dst) {
            int length = key.remaining();
            keyView.set(Jvm.address(key) + key.position(), length);
            try (ExternalMapQueryContext<ByteBuffer, ByteBuffer, ?> c = map.queryContext(keyView, 0, length)) {
                return copyValue(c, dst);
            }
        }

        int readWithData(ByteBuffer key, ByteBuffer dst) {
            keyData.pointAt(key);
            try (ExternalMapQueryContext<ByteBuffer, ByteBuffer, ?> c = map.queryContext(keyData)) {
                return copyValue(c, dst);
            }
        }

        private static int copyValue(ExternalMapQueryContext<ByteBuffer, ByteBuffer, ?> c, ByteBuffer dst) {
            MapEntry<ByteBuffer, ByteBuffer> e = c.entry();
            if (e == null) {
                return -1;
            }
            Data<ByteBuffer> v = e.value();
            int size = (int) v.size();
            v.bytes().nativeRead(v.offset(), Jvm.address(dst) + dst.position(), size);
            return size;
        }
    }

    /** A direct key as Chronicle Data, hashed straight from memory (the idea of NearCache's KeyData, direct keys only). */
    private static final class DirectKeyData extends AbstractData<ByteBuffer> {
        private final PointerBytesStore memory = new PointerBytesStore();
        private long address;
        private int size;

        void pointAt(ByteBuffer key) {
            address = Jvm.address(key) + key.position();
            size = key.remaining();
            memory.set(address, size);
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
            throw new UnsupportedOperationException("not needed by a lookup");
        }

        @Override
        public ByteBuffer getUsing(ByteBuffer using) {
            throw new UnsupportedOperationException("not needed by a lookup");
        }
    }

    /** {@link BareReader} with what NearCache.read adds around Chronicle: its close guard and per-thread key view. */
    private static final class GuardedReader {
        private final StampedLock guard = new StampedLock();
        private final ThreadLocal<BareReader> readers;
        private boolean closed;

        GuardedReader(ChronicleMap<ByteBuffer, ByteBuffer> map) {
            this.readers = ThreadLocal.withInitial(() -> new BareReader(map));
        }

        int read(ByteBuffer key, ByteBuffer dst) {
            long stamp = guard.readLock();
            try {
                if (closed) {
                    throw new UncheckedIOException(new IOException("closed"));
                }
                int position = key.position();
                try {
                    return readers.get().read(key, dst);
                } finally {
                    key.position(position);
                }
            } finally {
                guard.unlockRead(stamp);
            }
        }
    }
}
