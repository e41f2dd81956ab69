package io.matstore.bench.serving;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.offers.fb.OfferResponse;
import io.matstore.serving.ServingHotPath;
import io.matstore.serving.ViewSettings;
import io.matstore.store.ViewReader;
import io.matstore.views.offers.OffersContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The serving node's request hot path ({@link ServingHotPath}, its supported entry point), as {@code ViewLookup} runs
 * it for a GET: scan the query and build the
 * canonical key into the reused direct buffer, check its partition against the view's held-partition bitset (the
 * 421 check of cells), read the envelope through a {@link ViewReader} into a pooled direct
 * ByteBuf (one copy), compose status line and headers in front of it (or render JSON), record the latency meter,
 * release the buffer (the socket write would). Expect ~0 B/op under {@code -prof gc}. {@link #batch} answers a
 * batch of {@value #BATCH} lines as {@code POST .../batch} does (binary for {@code answer=flatbuffers}, JSON for
 * {@code json}): per op, so per lookup divide by {@value #BATCH}.
 *
 * <p>Run: {@code ./mvnw -B -q -o -Pbench -pl benchmarks package && java -jar benchmarks/target/benchmarks.jar
 * ServingHotPathBenchmark -prof gc}; the batches alone: {@code java -jar benchmarks/target/benchmarks.jar
 * 'ServingHotPathBenchmark.batch' -p answer=flatbuffers,json -prof gc}
 *
 * <p>The benchmark threads are Netty {@code FastThreadLocalThread}s ({@link EventLoopThreadsExecutor}), as the
 * server's event loops are: Netty's pooled allocator keeps its per-thread caches only on those. Leak detection is off
 * in the fork, as it should be in production: at its default level it samples ~1 buffer in 128 with a stack trace.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx1g",
            "-Djmh.executor=CUSTOM",
            "-Djmh.executor.class=io.matstore.bench.serving.EventLoopThreadsExecutor",
            "-Dio.netty.leakDetection.level=disabled"
        })
public class ServingHotPathBenchmark {
    private static final String URI = "/v1/views/offers?sku=SKU-12345&region=eu&currency=EUR&tier=gold";
    /** Lines per batch, as in BatchLoadRun; all the same key, the only one the single-entry reader holds. */
    static final int BATCH = 100;

    private static final String IF_NONE_MATCH = "\"0123456789abcdef\"";

    /** flatbuffers: the envelope as is; json: rendered; not_modified: If-None-Match hits, 304 without body. */
    @Param({"flatbuffers", "json", "not_modified"})
    public String answer;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ServingHotPath path;
    private boolean json;
    private String ifNoneMatch;
    private long now;
    private ByteBuf batchBody;

    @Setup
    public void setUp() {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int r = OfferResponse.createOfferResponse(
                b,
                b.createString("SKU-12345"),
                b.createString("eu"),
                b.createString("EUR"),
                b.createString("gold"),
                b.createString("Stoneware mug, 350 ml"),
                b.createString("kitchen"),
                1022L,
                2,
                b.createString("P-9"),
                10,
                3,
                true,
                0L);
        b.finish(r);
        byte[] k = KeyCodec.encode(OffersContract.V1, "SKU-12345", "eu", "EUR", "gold");
        byte[] envelope = ResponseEnvelopes.encode(
                OffersContract.V1, k, 0x0123456789abcdefL, 1_800_000_000_000_000L, b.sizedByteArray());
        ViewReader reader = new SingleEntryViewReader(OffersContract.V1, k, envelope);
        // a node of a cell: the key's partition of 8 is held (as on the owner), so the 421 check passes
        int p = io.matstore.schemas.Partitioner.partition(k, 8);
        path = new ServingHotPath(
                new ViewSettings("offers", 30_000, 1, 30, 600), reader, 8, java.util.List.of(p, (p + 3) % 8));
        json = answer.equals("json");
        ifNoneMatch = answer.equals("not_modified") ? IF_NONE_MATCH : null;
        now = 1_800_000_005_000L;
        byte[] lines =
                (URI.substring(URI.indexOf('?') + 1) + "\n").repeat(BATCH).getBytes(StandardCharsets.US_ASCII);
        batchBody = Unpooled.directBuffer(lines.length).writeBytes(lines);
    }

    @Benchmark
    public int lookup() {
        return path.lookup(alloc, URI, json, ifNoneMatch, now);
    }

    /** A batch of {@value #BATCH} lookups, from the body's copy to the composed answer (binary unless json). */
    @Benchmark
    public int batch() {
        return path.batch(alloc, batchBody, !json, now);
    }

    /** The parts alone, to place any allocation: key building. */
    @Benchmark
    public int keyOnly() {
        return path.buildKey(URI);
    }

    /** The parts alone: one pooled buffer, allocated and released. */
    @Benchmark
    public int bufferOnly() {
        ByteBuf out = alloc.directBuffer(ServingHotPath.HEADROOM + 1024);
        int c = out.internalNioBuffer(ServingHotPath.HEADROOM, 512).remaining();
        out.release();
        return c;
    }

    /** The parts alone: the latency meter. */
    @Benchmark
    public void meterOnly() {
        path.recordLatency(200, 1234);
    }
}
