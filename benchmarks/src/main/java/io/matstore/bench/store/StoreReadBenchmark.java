package io.matstore.bench.store;

import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewReader;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lookups through the public {@link ViewReader#read} API: a near-cache hit (one copy from the mapped Chronicle Map
 * entry into a direct buffer), the same hit uncounted (through {@code inspectionReader}), a near-cache miss answered by RocksDB (the near-cache holds 16 of the keys), and a
 * lookup of a key that is not stored at all.
 * Keys cycle uniformly over {@code keys}; values are envelopes of about {@code responseBytes} + 100 bytes.
 *
 * <pre>
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar StoreReadBenchmark -prof gc
 * java -jar benchmarks/target/benchmarks.jar 'StoreReadBenchmark.nearCacheHit' -prof gc   # counted and uncounted
 * </pre>
 * SampleTime gives p50/p99 per lookup; {@code -prof gc} gives gc.alloc.rate.norm (B/op), which should be ~0. The
 * broker is stopped once both stores have caught up, so the JVM's allocation is the lookups' (plus the ingest loops
 * retrying their connection once a second).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx2g",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true"
        })
public class StoreReadBenchmark {
    @Param("10000")
    int keys;

    @Param("512")
    int responseBytes;

    private StoreFixture fixture;
    private VersionedResponseStore nearStore;
    private VersionedResponseStore farStore;
    private ViewReader near;
    private ViewReader nearUncounted;
    private ViewReader far;
    private ByteBuffer[] keyBuffers;
    private ByteBuffer[] absentKeys;
    private ByteBuffer dst;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new StoreFixture(keys, responseBytes);
        nearStore = fixture.openCaughtUp(fixture.config(fixture.newDataDir("near"), keys * 2L, keys * 2L * 1024));
        farStore = fixture.openCaughtUp(fixture.config(fixture.newDataDir("far"), 16, 16 * 1024));
        near = nearStore.current(StoreFixture.VIEW.name());
        nearUncounted = nearStore.inspectionReader(StoreFixture.VIEW.name(), StoreFixture.VIEW.version());
        far = farStore.current(StoreFixture.VIEW.name());
        // Both stores hold the whole topic now. Stop the in-process broker so that its threads and the idle ingest
        // loops do not allocate during the measurement: -prof gc counts the allocation of the whole JVM.
        fixture.kafka.stop();
        keyBuffers = StoreFixture.directKeys(keys);
        absentKeys = StoreFixture.directKeys(keys, keys);
        dst = ByteBuffer.allocateDirect(64 * 1024);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("\nnear store: " + nearStore.status(StoreFixture.VIEW.name(), 1));
        System.out.println("far store: " + farStore.status(StoreFixture.VIEW.name(), 1));
        nearStore.close();
        farStore.close();
        fixture.close();
    }

    private ByteBuffer nextKey() {
        int i = next + 1;
        next = i == keyBuffers.length ? 0 : i;
        return keyBuffers[next];
    }

    @Benchmark
    public int nearCacheHit() {
        return near.read(nextKey(), dst);
    }

    /**
     * The same hit without counting it (no hit counter, no hot-key policy): the anchor of {@link #nearCacheHit} in the
     * same run, so the cost of counting reads as their difference even on a loaded machine.
     */
    @Benchmark
    public int nearCacheHitUncounted() {
        return nearUncounted.read(nextKey(), dst);
    }

    @Benchmark
    public int rocksDbMiss() {
        return far.read(nextKey(), dst);
    }

    /** A key outside the stored space (what a 404 costs): misses the near-cache, then RocksDB finds nothing. */
    @Benchmark
    public int rocksDbAbsent() {
        int i = next + 1;
        next = i == absentKeys.length ? 0 : i;
        return far.read(absentKeys[next], dst);
    }
}
