package io.matstore.bench.store;

import io.matstore.bench.serving.CaughtUpStore;
import io.matstore.bench.serving.ServingLoadRun;
import io.matstore.kafka.local.EmbeddedKafka;
import io.matstore.schemas.KeyCodec;
import io.matstore.store.BatchRead;
import io.matstore.store.VersionedResponseStore;
import io.matstore.store.ViewReader;
import io.matstore.views.offers.OffersContract;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A batch's reads in process, without HTTP: {@link ViewReader#readAll} (near-cache, then one RocksDB MultiGet for
 * the misses) against the same keys read one by one with {@link ViewReader#read}, on the real store (offers v1
 * produced to an embedded broker and ingested), the two taking turns in every round. The figure is the reading
 * thread's CPU time per batch ({@code ThreadMXBean}), which a loaded machine inflates far less than wall time.
 * Batches of uniform keys over the whole view (90 % near-cache misses with a near-cache of 10 %) and of hot keys
 * (all hits).
 *
 * <pre>
 * java $(sed -n 's:.*&lt;matstore.jvm.flags&gt;\(.*\)&lt;/matstore.jvm.flags&gt;.*:\1:p' pom.xml) \
 *      -cp benchmarks/target/benchmarks.jar io.matstore.bench.store.BatchReadRun [skus] [batches per turn] [rounds]
 * </pre>
 * Defaults: 125,000 skus (1,000,000 keys, near-cache 100,000), 2,000 batches of 100 keys per turn, 4 rounds.
 */
public final class BatchReadRun {
    private static final int ITEMS = 100;

    private BatchReadRun() {}

    public static void main(String[] args) throws Exception {
        int skus = args.length > 0 ? Integer.parseInt(args[0]) : 125_000;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        Path dir = Files.createTempDirectory("batch-read-");
        try (EmbeddedKafka kafka = EmbeddedKafka.inTempDir().start()) {
            String topic = OffersContract.V1.topic();
            kafka.createTopic(topic, 4, Map.of("cleanup.policy", "compact"));
            ServingLoadRun.produceView(kafka.bootstrapServers(), topic, skus);
            long nearCache = skus * 8L / 10;
            try (VersionedResponseStore store =
                    CaughtUpStore.offersV1(dir.resolve("store"), kafka.bootstrapServers(), nearCache)) {
                ViewReader reader = store.current("offers");
                ByteBuffer[] all = keys(skus);
                ByteBuffer[] hot = keys(ServingLoadRun.HOT_SKUS);
                BatchRead batch = new BatchRead(2048);
                ByteBuffer dst = ByteBuffer.allocateDirect(64 * 1024);
                // promote the hot keys, warm the JIT and the block cache up
                for (int i = 0; i < 5; i++) {
                    turn(reader, hot, batch, dst, batches, true, new SplittableRandom(i));
                    turn(reader, all, batch, dst, batches, true, new SplittableRandom(i));
                    turn(reader, all, batch, dst, batches, false, new SplittableRandom(i));
                }
                System.out.println("| round | keys | readAll CPU µs/batch | one by one CPU µs/batch | ratio |");
                System.out.println("|---|---|---:|---:|---:|");
                for (int round = 1; round <= rounds; round++) {
                    for (boolean uniform : new boolean[] {true, false}) {
                        ByteBuffer[] keys = uniform ? all : hot;
                        long seed = round * 1000L + (uniform ? 1 : 0);
                        double together = turn(reader, keys, batch, dst, batches, true, new SplittableRandom(seed));
                        double alone = turn(reader, keys, batch, dst, batches, false, new SplittableRandom(seed));
                        System.out.printf(
                                "| %d | %s | %.1f | %.1f | %.2f |%n",
                                round,
                                uniform ? "uniform over " + keys.length : keys.length + " hot",
                                together,
                                alone,
                                together / alone);
                    }
                }
            }
        }
    }

    /** CPU µs per batch of {@code batches} batches, read together or one key at a time. */
    private static double turn(
            ViewReader reader,
            ByteBuffer[] keys,
            BatchRead batch,
            ByteBuffer dst,
            int batches,
            boolean together,
            SplittableRandom random) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long found = 0;
        long start = mx.getCurrentThreadCpuTime();
        for (int b = 0; b < batches; b++) {
            if (together) {
                batch.clear(ITEMS);
                for (int i = 0; i < ITEMS; i++) {
                    batch.add(keys[random.nextInt(keys.length)]);
                }
                reader.readAll(batch);
                for (int i = 0; i < ITEMS; i++) {
                    found += batch.length(i) > 0 ? 1 : 0;
                }
            } else {
                for (int i = 0; i < ITEMS; i++) {
                    dst.clear();
                    found += reader.read(keys[random.nextInt(keys.length)], dst) > 0 ? 1 : 0;
                }
            }
        }
        long cpu = mx.getCurrentThreadCpuTime() - start;
        if (found != (long) batches * ITEMS) {
            throw new IllegalStateException((batches * ITEMS - found) + " keys not found");
        }
        return cpu / 1e3 / batches;
    }

    private static ByteBuffer[] keys(int skus) {
        ByteBuffer[] out = new ByteBuffer[skus * 8];
        int i = 0;
        for (int sku = 0; sku < skus; sku++) {
            for (String region : ServingLoadRun.REGIONS) {
                for (String tier : ServingLoadRun.TIERS) {
                    byte[] k = KeyCodec.encode(OffersContract.V1, String.format("SKU-%06d", sku), region, "USD", tier);
                    out[i++] = ByteBuffer.allocateDirect(k.length).put(k).flip();
                }
            }
        }
        return out;
    }
}
