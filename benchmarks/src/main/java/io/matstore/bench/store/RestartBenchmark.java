package io.matstore.bench.store;

import io.matstore.store.ResponseStores;
import io.matstore.store.StoreConfig;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Restart-to-ready with {@value #KEYS} keys: a store that was closed cleanly is reopened (RocksDB opened, the
 * near-cache file's length and CRC32C checked against its clean-shutdown marker, then mapped, by the ingest thread)
 * and must answer a key ({@code openToFirstAnswer}: from RocksDB), answer it from its near-cache
 * ({@code openToFirstHit}), or report itself caught up with the broker ({@code openToCaughtUp}).
 * The setup ingests the whole topic once (minutes on 2 cores); each shot is closed cleanly in the teardown.
 *
 * <pre>
 * ./mvnw -B -q -o -pl response-store install -DskipTests
 * ./mvnw -B -q -o -Pbench -pl benchmarks package
 * java -jar benchmarks/target/benchmarks.jar RestartBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
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
public class RestartBenchmark {
    static final int KEYS = 1_000_000;

    private StoreFixture fixture;
    private StoreConfig config;
    private VersionedResponseStore store;
    private final ByteBuffer key = StoreFixture.directKeys(1)[0];
    private final ByteBuffer dst = ByteBuffer.allocateDirect(4096);

    @Setup(Level.Trial)
    public void setUp() {
        long start = System.nanoTime();
        fixture = new StoreFixture(KEYS, 128);
        long produced = System.nanoTime();
        config = fixture.config(fixture.newDataDir("restart"), KEYS + KEYS / 10, (KEYS + KEYS / 10) * 320L);
        fixture.openCaughtUp(config).close();
        System.out.printf(
                "%nproduced %d records in %d ms, ingested them in %d ms%n",
                KEYS, (produced - start) / 1_000_000, (System.nanoTime() - produced) / 1_000_000);
    }

    @TearDown(Level.Iteration)
    public void closeCleanly() {
        if (store != null) {
            System.out.println("\n" + store.status(StoreFixture.VIEW.name(), 1));
            store.close();
            store = null;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    /** Open to the first answer: from RocksDB, since the near-cache is opened by the ingest thread after this. */
    @Benchmark
    public int openToFirstAnswer() {
        store = ResponseStores.open(config);
        int n = store.current(StoreFixture.VIEW.name()).read(key, dst);
        if (n < 0) {
            throw new IllegalStateException("restarted store did not answer: " + n);
        }
        return n;
    }

    /** Open to the first answer from the near-cache, once the ingest thread has checked and mapped it. */
    @Benchmark
    public int openToFirstHit() throws InterruptedException {
        store = ResponseStores.open(config);
        ViewReader reader = store.current(StoreFixture.VIEW.name());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            int n = reader.read(key, dst);
            if (n >= 0 && store.status(StoreFixture.VIEW.name(), 1).nearCacheHits() > 0) {
                return n;
            }
            Thread.sleep(1); // the ingest thread is mapping the file: nothing to await but it
        }
        throw new IllegalStateException("restarted store did not answer from its near-cache within 2 minutes");
    }

    @Benchmark
    public void openToCaughtUp() {
        store = ResponseStores.open(config);
        StoreFixture.awaitCaughtUp(store);
    }
}
