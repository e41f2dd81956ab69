package io.matstore.client.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The recent p95 of the client's answered requests, the default delay before a hedge. The last {@value #SAMPLES}
 * latencies sit in a ring; every {@value #EVERY} samples one caller copies the ring into a scratch array and sorts it
 * (in place: no allocation) while others keep recording. Writes race benignly: a lost sample does not matter to a
 * percentile over hundreds. Until the ring has filled once, the p95 is {@code initialNanos}
 * ({@code Long.MAX_VALUE}: unknown, so no hedging on a guess).
 */
public final class LatencyTracker {
    static final int SAMPLES = 512;
    static final int EVERY = 128;

    private final long[] ring = new long[SAMPLES];
    private final long[] scratch = new long[SAMPLES];
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean computing = new AtomicBoolean();
    private volatile long p95;

    public LatencyTracker(long initialNanos) {
        this.p95 = initialNanos;
    }

    public void record(long nanos) {
        int i = next.getAndIncrement();
        ring[i & (SAMPLES - 1)] = nanos;
        if (i >= SAMPLES && (i & (EVERY - 1)) == 0 && computing.compareAndSet(false, true)) {
            try {
                System.arraycopy(ring, 0, scratch, 0, SAMPLES);
                Arrays.sort(scratch);
                p95 = scratch[SAMPLES * 95 / 100];
            } finally {
                computing.set(false);
            }
        }
    }

    public long p95Nanos() {
        return p95;
    }
}
