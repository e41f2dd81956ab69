package io.matstore.serving;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.ResponseStore;
import io.matstore.store.StoreException;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * TEST DOUBLE of response-store's {@link ResponseStore}, for the HTTP tests that need a store state on demand: a
 * version whose reads fail, whose status says lagging or failing, or whose reads wait at a gate. The real store
 * reaches those states only through real faults, so the tests of the HTTP layer's reactions to them use this map of
 * canonical key bytes to envelope bytes; the same paths on the real store and broker are covered by AdminHttpTest and
 * the integration-tests module (ServingEndToEndTest stops the broker under a serving node). It honours the
 * {@link ViewReader#read} contract (copy whole or nothing, positions unchanged).
 */
public final class InMemoryResponseStore implements ResponseStore {
    private final Map<String, Map<Integer, Version>> views = new ConcurrentHashMap<>();
    private final Map<String, Integer> current = new ConcurrentHashMap<>();
    private volatile boolean statusFails;

    /** One held version of a view. */
    public static final class Version implements ViewReader {
        private final ViewDescriptor descriptor;
        private final Map<ByteBuffer, byte[]> values = new ConcurrentHashMap<>();
        private volatile boolean failing;
        private volatile Error error;
        private volatile long lastCaughtUpMillis;
        private volatile String ingestError;
        private volatile long lag;
        private volatile CountDownLatch gate;
        private volatile CountDownLatch entered;
        private volatile long readDelayNanos;
        private volatile long readSpinNanos;

        Version(ViewDescriptor descriptor, long lastCaughtUpMillis) {
            this.descriptor = descriptor;
            this.lastCaughtUpMillis = lastCaughtUpMillis;
        }

        @Override
        public ViewDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public int read(ByteBuffer key, ByteBuffer dst) {
            long delay = readDelayNanos;
            if (delay > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(delay); // a slow disk, on the caller's event loop
            }
            long spin = readSpinNanos;
            if (spin > 0) {
                // a read that costs CPU (RocksDB decoding a block), on the caller's event loop
                long end = System.nanoTime() + spin;
                while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                }
            }
            CountDownLatch g = gate;
            if (g != null) {
                entered.countDown();
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Error e = error;
            if (e != null) {
                throw e;
            }
            if (failing) {
                throw new StoreException("reading " + descriptor + ": injected failure");
            }
            byte[] k = new byte[key.remaining()];
            key.get(key.position(), k);
            byte[] v = values.get(ByteBuffer.wrap(k));
            if (v == null) {
                return NOT_FOUND;
            }
            if (v.length <= dst.remaining()) {
                dst.put(dst.position(), v);
            }
            return v.length;
        }

        public Version put(byte[] key, byte[] envelope) {
            values.put(ByteBuffer.wrap(key.clone()), envelope.clone());
            return this;
        }

        /** Makes every read throw {@code e} (a bug, not a store failure), or stops when null. */
        public Version throwing(Error e) {
            error = e;
            return this;
        }

        public Version failing(boolean fail) {
            failing = fail;
            return this;
        }

        public Version lastCaughtUpMillis(long millis) {
            lastCaughtUpMillis = millis;
            return this;
        }

        public Version ingestError(String error) {
            ingestError = error;
            return this;
        }

        /** Makes every read take at least {@code nanos} (0: as fast as the map). */
        public Version readDelayNanos(long nanos) {
            readDelayNanos = nanos;
            return this;
        }

        /** Each read keeps its thread busy this long (CPU time, unlike {@link #readDelayNanos}). */
        public Version readSpinNanos(long nanos) {
            readSpinNanos = nanos;
            return this;
        }

        public Version lag(long records) {
            lag = records;
            return this;
        }

        /** Makes every read wait until the returned latch is released; {@code entered} counts down on arrival. */
        public CountDownLatch holdReads(CountDownLatch entered) {
            this.entered = entered;
            CountDownLatch g = new CountDownLatch(1);
            gate = g;
            return g;
        }

        public void releaseReads() {
            CountDownLatch g = gate;
            gate = null;
            if (g != null) {
                g.countDown();
            }
        }

        ViewStatus status(boolean isCurrent) {
            return new ViewStatus(
                    descriptor.name(),
                    descriptor.version(),
                    isCurrent,
                    List.of(new ViewStatus.PartitionStatus(0, 100, 100 + lag)),
                    values.size(),
                    0,
                    0,
                    90,
                    10,
                    lastCaughtUpMillis,
                    ingestError);
        }
    }

    /** Adds a version, caught up at {@code lastCaughtUpMillis}; the first version of a view becomes current. */
    public Version add(ViewDescriptor descriptor, long lastCaughtUpMillis) {
        Version v = new Version(descriptor, lastCaughtUpMillis);
        views.computeIfAbsent(descriptor.name(), n -> new ConcurrentHashMap<>()).put(descriptor.version(), v);
        current.putIfAbsent(descriptor.name(), descriptor.version());
        return v;
    }

    public void makeCurrent(String view, int version) {
        current.put(view, version);
    }

    public void drop(String view, int version) {
        views.getOrDefault(view, Map.of()).remove(version);
        current.remove(view, version);
    }

    public void statusFails(boolean fails) {
        statusFails = fails;
    }

    @Override
    public ViewReader current(String viewName) {
        Integer v = current.get(viewName);
        return v == null ? null : version(viewName, v);
    }

    @Override
    public ViewReader version(String viewName, int version) {
        return views.getOrDefault(viewName, Map.of()).get(version);
    }

    @Override
    public List<ViewStatus> status() {
        if (statusFails) {
            throw new StoreException("status: injected failure");
        }
        List<ViewStatus> out = new ArrayList<>();
        for (Map<Integer, Version> versions : views.values()) {
            for (Version v : versions.values()) {
                out.add(v.status(Integer.valueOf(v.descriptor.version()).equals(current.get(v.descriptor.name()))));
            }
        }
        return out;
    }

    @Override
    public ViewStatus status(String viewName, int version) {
        Version v = (Version) version(viewName, version);
        return v == null ? null : v.status(Integer.valueOf(version).equals(current.get(viewName)));
    }

    @Override
    public void close() {}
}
