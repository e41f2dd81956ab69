package io.matstore.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadBufferTest {

    @Test
    void shouldHandEveryHashRecordedSinceTheLastDrainOnceAndInOrder() {
        ReadBuffer buffer = new ReadBuffer();
        for (long h = 1; h <= 100; h++) {
            buffer.record(h);
        }
        List<Long> drained = new ArrayList<>();
        buffer.drain(drained::add);
        assertThat(drained).hasSize(100).startsWith(1L, 2L).endsWith(99L, 100L);

        buffer.record(101);
        drained.clear();
        buffer.drain(drained::add);
        assertThat(drained).containsExactly(101L);

        drained.clear();
        buffer.drain(drained::add);
        assertThat(drained).isEmpty();
    }

    @Test
    void shouldKeepTheLatestHashesOfAStripeWhenReadsOutrunTheDrain() {
        ReadBuffer buffer = new ReadBuffer();
        long recorded = 3L * ReadBuffer.SLOTS + 7;
        for (long h = 1; h <= recorded; h++) {
            buffer.record(h);
        }
        List<Long> drained = new ArrayList<>();
        buffer.drain(drained::add);
        assertThat(drained)
                .hasSize(ReadBuffer.SLOTS)
                .startsWith(recorded - ReadBuffer.SLOTS + 1)
                .endsWith(recorded);
    }

    /** Readers on many threads while the ingest thread drains: only recorded hashes come out, never more of them. */
    @Test
    void shouldOnlyHandOutRecordedHashesWhileManyThreadsRecordAndOneDrains() throws InterruptedException {
        ReadBuffer buffer = new ReadBuffer();
        int threads = ReadBuffer.STRIPES + 4; // some threads share a stripe
        int perThread = 50_000;
        AtomicBoolean garbage = new AtomicBoolean();
        long[] drained = new long[1];
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = (t + 1L) << 32;
            Thread reader = new Thread(() -> {
                for (int i = 1; i <= perThread; i++) {
                    buffer.record(base + i);
                }
                done.countDown();
            });
            readers.add(reader);
            reader.start();
        }
        while (done.getCount() > 0) {
            drain(buffer, threads, perThread, garbage, drained);
        }
        drain(buffer, threads, perThread, garbage, drained);
        for (Thread reader : readers) {
            reader.join();
        }
        assertThat(garbage).as("a hash nobody recorded was drained").isFalse();
        assertThat(drained[0]).isPositive().isLessThanOrEqualTo((long) threads * perThread);
    }

    private static void drain(ReadBuffer buffer, int threads, int perThread, AtomicBoolean garbage, long[] drained) {
        buffer.drain(h -> {
            long thread = h >>> 32;
            long i = h & 0xFFFF_FFFFL;
            if (thread < 1 || thread > threads || i < 1 || i > perThread) {
                garbage.set(true);
            }
            drained[0]++;
        });
    }
}
