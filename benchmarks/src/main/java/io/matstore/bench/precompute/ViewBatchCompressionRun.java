package io.matstore.bench.precompute;

import io.matstore.schemas.KeyCodec;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.views.offers.DemoEventGenerator;
import io.matstore.views.offers.OfferResponseWriter;
import io.matstore.views.offers.OffersContract;
import io.matstore.views.offers.Pricing;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.utils.Utils;

/**
 * What the producer's compression buys and costs for a view topic: the FX fan-out's records of
 * {@code PrecomputeThroughputBench} (its catalogue, in EUR, real envelopes) cut into record batches per partition as
 * the producer would send them, written with each {@code compression.type}. Prints the bytes the log would hold (a
 * compacted topic keeps one record per key, so this is also the topic's size once compacted) and the time this
 * thread spent building the batches, per record, which is the work the stream thread does in
 * {@code RecordAccumulator.append}. Each round starts with another type and the first round is not timed, so a loaded machine slows them alike.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.matstore.bench.precompute.ViewBatchCompressionRun \
 *      [--products=20000] [--batch-records=64,1000] [--rounds=5]
 * </pre>
 */
public final class ViewBatchCompressionRun {
    private static final int PARTITIONS = 4;
    private static final CompressionType[] TYPES = {
        CompressionType.NONE, CompressionType.LZ4, CompressionType.ZSTD, CompressionType.SNAPPY, CompressionType.GZIP
    };

    private ViewBatchCompressionRun() {}

    public static void main(String[] args) {
        int products = 20_000;
        int[] batchRecords = {64, 1000};
        int rounds = 5;
        for (String a : args) {
            String value = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--products=")) {
                products = Integer.parseInt(value);
            } else if (a.startsWith("--batch-records=")) {
                String[] parts = value.split(",");
                batchRecords = new int[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    batchRecords[i] = Integer.parseInt(parts[i]);
                }
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(value);
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        List<List<byte[][]>> byPartition = records(products);
        long valueBytes = 0;
        int count = 0;
        for (List<byte[][]> partition : byPartition) {
            for (byte[][] r : partition) {
                valueBytes += r[0].length + r[1].length;
                count++;
            }
        }
        System.out.printf(
                "%,d records (%d products in EUR, %d partitions), keys + values %,d B = %.0f B a record%n",
                count, products, PARTITIONS, valueBytes, (double) valueBytes / count);
        for (int perBatch : batchRecords) {
            long[] bytes = new long[TYPES.length];
            long[] nanos = new long[TYPES.length];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < TYPES.length; k++) {
                    int t = (k + round) % TYPES.length; // each round starts with another type
                    long start = System.nanoTime();
                    long size = write(byPartition, perBatch, TYPES[t]);
                    if (round > 0) { // the first round warms the JIT up
                        nanos[t] += System.nanoTime() - start;
                    }
                    bytes[t] = size;
                }
            }
            System.out.printf(
                    "%nbatches of %d records:%n%-8s %14s %10s %16s%n",
                    perBatch, "type", "log bytes", "vs none", "ns per record");
            for (int t = 0; t < TYPES.length; t++) {
                System.out.printf(
                        "%-8s %14s %9.2fx %16.0f%n",
                        TYPES[t].name,
                        String.format("%,d", bytes[t]),
                        (double) bytes[t] / bytes[0],
                        (double) nanos[t] / Math.max(1, rounds - 1) / count);
            }
        }
    }

    /** Per partition, in the fan-out's order (product key order, regions, tiers), key and envelope. */
    private static List<List<byte[][]>> records(int products) {
        List<List<byte[][]>> byPartition = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            byPartition.add(new ArrayList<>());
        }
        OfferResponseWriter writer = new OfferResponseWriter(OffersContract.V1);
        SplittableRandom random = new SplittableRandom(42); // the bench's catalogue
        long computedAt = System.currentTimeMillis() * 1000L;
        for (int i = 0; i < products; i++) {
            String sku = DemoEventGenerator.sku(i);
            String category = String.format("cat-%02d", random.nextInt(20));
            long base = random.nextLong(100, 500_000);
            for (String region : List.of("us", "eu", "uk", "jp")) {
                for (String tier : List.of("standard", "gold")) {
                    long price = Pricing.priceMinor(base, 0, tier.equals("gold") ? 500 : 0, 920_000L, 2);
                    byte[] response =
                            writer.write(sku, region, "EUR", tier, "Product " + i, category, price, 2, "", 0, 0, 0);
                    byte[] key = KeyCodec.encode(OffersContract.V1, sku, region, "EUR", tier);
                    byte[] envelope =
                            ResponseEnvelopes.encode(OffersContract.V1, key, i * 31L + price, computedAt, response);
                    int partition = Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
                    byPartition.get(partition).add(new byte[][] {key, envelope});
                }
            }
        }
        return byPartition;
    }

    private static long write(List<List<byte[][]>> byPartition, int perBatch, CompressionType type) {
        Compression compression = Compression.of(type).build();
        ByteBuffer buffer = ByteBuffer.allocate(4 << 20);
        long total = 0;
        long timestamp = System.currentTimeMillis();
        for (List<byte[][]> partition : byPartition) {
            for (int from = 0; from < partition.size(); from += perBatch) {
                buffer.clear();
                MemoryRecordsBuilder batch = MemoryRecords.builder(buffer, compression, TimestampType.CREATE_TIME, 0L);
                int to = Math.min(partition.size(), from + perBatch);
                for (int i = from; i < to; i++) {
                    batch.append(timestamp, partition.get(i)[0], partition.get(i)[1]);
                }
                total += batch.build().sizeInBytes();
            }
        }
        return total;
    }
}
