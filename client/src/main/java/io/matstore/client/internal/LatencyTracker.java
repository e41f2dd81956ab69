package io.matstore.client.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The recent p99 of one node's answers to this client. The lowest among a cell's replicas is the default delay
 * before a hedge: the p99 of the replica a request should have gone to, so a slow replica's own latency does not
 * delay its hedges, and ordinary answers spend ~1 % of the hedge budget (at the p95 they would spend all of 5 %). The last {@value #SAMPLES}
 * latencies sit in a ring; every {@value #EVERY} samples one caller copies the ring into a scratch array and sorts it
 * (in place: no allocation) while others keep recording. Writes race benignly: a lost sample does not matter to a
 * percentile over hundreds. Until the ring has filled once, the p99 is {@code initialNanos}
 * ({@code Long.MAX_VALUE}: unknown, so no hedging on a guess).
 */
public final class LatencyTracker {
    static final int SAMPLES = 256;
    static final int EVERY = 64;

    private final long[] ring = new long[SAMPLES];
    private final long[] scratch = new long[SAMPLES];
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean computing = new AtomicBoolean();
    private volatile long p99;

    public LatencyTracker(long initialNanos) {
        this.p99 = initialNanos;
    }

    public void record(long nanos) {
        int i = next.getAndIncrement();
        ring[i & (SAMPLES - 1)] = nanos;
        if (i >= SAMPLES && (i & (EVERY - 1)) == 0 && computing.compareAndSet(false, true)) {
            try {
                System.arraycopy(ring, 0, scratch, 0, SAMPLES);
                Arrays.sort(scratch);
                p99 = scratch[SAMPLES * 99 / 100];
            } finally {
                computing.set(false);
            }
        }
    }

    public long p99Nanos() {
        return p99;
    }
}
