package io.matstore.bench.serving;

import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.serving.ServingHotPath;
import io.matstore.serving.ViewSettings;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.store.ViewStatus;
import io.matstore.views.offers.OffersContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A batch's work on the node without HTTP or wrk: {@link ServingHotPath#batch} (the body's lines, keys, the partition
 * check, near-cache reads from a real store, the binary or JSON answer in a pooled buffer) over batches like
 * {@code BatchLoadRun}'s (100 random keys among {@link ServingLoadRun#HOT_SKUS} skus, all near-cache hits), on a Netty
 * thread as on an event loop. Per lookup it prints the thread's CPU time in nanoseconds, the median over rounds,
 * beside an anchor timed in the same rounds: the same 100 envelopes read one by one through {@link ViewReader#read}
 * (the store's part alone, one copy each). Rounds alternate the three, so the machine's load falls on all alike; the
 * figures to compare between builds are the ratios to the anchor. JFR over this run profiles the path alone.
 *
 * <pre>
 * ./mvnw -B -q -o -Pbench -pl benchmarks -am package -DskipTests
 * java -Xmx2g $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -Dio.netty.leakDetection.level=disabled \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.serving.BatchPathRun [rounds] [millis per round]
 * </pre>
 * Defaults: 20 rounds of 500 ms per kind after 3 warm-up rounds. Bounded; its broker and store live in a temporary
 * directory removed at the end.
 */
public final class BatchPathRun {
    private static final int ITEMS = BatchLoadRun.ITEMS;
    private static final int BODIES = 64;

    private BatchPathRun() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int millis = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int skus = ServingLoadRun.HOT_SKUS;
        Path dir = Files.createTempDirectory("batch-path-");
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            ServingLoadRun.produceView(kafka.bootstrapServers(), topic, skus);
            try (VersionedResponseStore store =
                    CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(), skus * 8L * 2)) {
                kafka.stop();
                AtomicReference<Object> result = new AtomicReference<>();
                Thread t = new FastThreadLocalThread(
                        () -> {
                            try {
                                result.set(measure(store, rounds, millis));
                            } catch (RuntimeException | Error e) {
                                result.set(e);
                            }
                        },
                        "batch-path");
                t.start();
                t.join();
                if (result.get() instanceof Throwable e) {
                    throw new IllegalStateException(e);
                }
                System.out.print(result.get());
                ViewStatus s = store.status("offers", 1);
                System.out.printf("near-cache hit ratio over the run: %.4f%n", s.nearCacheHitRatio());
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String measure(VersionedResponseStore store, int rounds, int millis) {
        ViewReader reader = store.current("offers");
        ServingHotPath path =
                new ServingHotPath(new ViewSettings("offers", 30_000, 1, 30, 600), reader, 4, List.of(0, 1, 2, 3));
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        SplittableRandom random = new SplittableRandom(15);
        ByteBuf[] bodies = new ByteBuf[BODIES];
        ByteBuffer[][] keys = new ByteBuffer[BODIES][ITEMS];
        for (int b = 0; b < BODIES; b++) {
            StringJoiner lines = new StringJoiner("\n");
            for (int i = 0; i < ITEMS; i++) {
                int sku = random.nextInt(ServingLoadRun.HOT_SKUS);
                String region = ServingLoadRun.REGIONS[random.nextInt(ServingLoadRun.REGIONS.length)];
                String tier = ServingLoadRun.TIERS[random.nextInt(ServingLoadRun.TIERS.length)];
                String sk = String.format("SKU-%06d", sku);
                lines.add("sku=" + sk + "&region=" + region + "&currency=USD&tier=" + tier);
                byte[] k = io.matstore.schemas.KeyCodec.encode(OffersContract.V1, sk, region, "USD", tier);
                keys[b][i] = ByteBuffer.allocateDirect(k.length).put(k).flip();
            }
            byte[] body = lines.toString().getBytes(StandardCharsets.US_ASCII);
            bodies[b] = Unpooled.directBuffer(body.length).writeBytes(body);
        }
        ByteBuffer dst = ByteBuffer.allocateDirect(64 * 1024);
        long now = System.currentTimeMillis();
        String[] kinds = {"anchor: the 100 reads alone (ViewReader.read)", "batch, binary", "batch, JSON"};
        List<long[]> perKind = new ArrayList<>();
        for (int k = 0; k < kinds.length; k++) {
            perKind.add(new long[rounds]);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = -3; round < rounds; round++) {
            for (int k = 0; k < kinds.length; k++) {
                long batches = 0;
                long cpu0 = mx.getCurrentThreadCpuTime();
                long end = System.nanoTime() + millis * 1_000_000L;
                int next = 0;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 16; i++) {
                        if (k == 0) {
                            for (ByteBuffer key : keys[next]) {
                                if (reader.read(key, dst) < 0) {
                                    throw new IllegalStateException("a hot key is missing");
                                }
                            }
                        } else {
                            path.batch(alloc, bodies[next], k == 1, now);
                        }
                        next = (next + 1) % BODIES;
                        batches++;
                    }
                }
                long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                if (round >= 0) {
                    perKind.get(k)[round] = cpu / (batches * ITEMS);
                }
            }
        }
        long anchor = median(perKind.get(0));
        StringBuilder out = new StringBuilder("| per lookup, in batches of 100 | CPU ns, median of " + rounds
                + " rounds | min | max" + " | ratio to the anchor |\n|---|---:|---:|---:|---:|\n");
        for (int k = 0; k < kinds.length; k++) {
            long[] v = perKind.get(k);
            long m = median(v);
            out.append(String.format(
                    "| %s | %d | %d | %d | %.2f |%n",
                    kinds[k],
                    m,
                    Arrays.stream(v).min().orElse(0),
                    Arrays.stream(v).max().orElse(0),
                    (double) m / anchor));
        }
        return out.toString();
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
