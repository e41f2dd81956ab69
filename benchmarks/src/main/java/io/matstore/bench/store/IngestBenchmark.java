package io.matstore.bench.store;

import io.matstore.store.LoadMode;
import io.matstore.store.ResponseStores;
import io.matstore.store.VersionedResponseStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ingest throughput: a fresh store ingests a view topic of {@value #RECORDS} envelopes (~600 B) from a real broker
 * into RocksDB and the near-cache (large enough for all of them), until caught up. One shot per iteration; the score
 * is time per record (records/s = 1e6 / score in µs). Includes adding the version (creating the RocksDB and the
 * Chronicle Map file) and the caught-up detection (up to ~200 ms). {@code LIVE} is the steady path (one WriteBatch
 * per poll, then every record into the near-cache); {@code BULK} is how a fresh version is loaded by default (sorted
 * runs ingested as SST files, then the near-cache filled from RocksDB).
 *
 * <pre>
 * ./mvnw -B -q -o -pl response-store install -DskipTests
 * ./mvnw -B -q -o -Pbench -pl benchmarks package
 * java -jar benchmarks/target/benchmarks.jar IngestBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
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
public class IngestBenchmark {
    static final int RECORDS = 200_000;

    @Param({"LIVE", "BULK"})
    public LoadMode mode;

    private StoreFixture fixture;
    private VersionedResponseStore store;
    private int run;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new StoreFixture(RECORDS, 512);
    }

    @Setup(Level.Iteration)
    public void openEmptyStore() {
        store = ResponseStores.open(
                fixture.config(fixture.newDataDir("ingest-" + run++), RECORDS * 2L, RECORDS * 2L * 1024));
    }

    @TearDown(Level.Iteration)
    public void closeStore() {
        store.close();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void ingestWholeTopic() {
        store.addVersion(StoreFixture.VIEW, StoreFixture.PARTITIONS, mode);
        StoreFixture.awaitCaughtUp(store);
    }
}
