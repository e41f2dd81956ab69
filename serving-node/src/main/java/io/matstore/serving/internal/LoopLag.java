package io.matstore.serving.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Whether the event loops have a standing queue, from their lag: CoDel's rule (Nichols and Jacobson; the adaptive
 * LIFO/CoDel of Facebook's servers) applied to the delay of a task each loop schedules to itself.
 *
 * <p>Why lag and not in-flight: a lookup is answered synchronously on its event loop, so a request is in flight
 * for microseconds and the queue builds before admission, in the sockets' receive buffers and in the loop's turn
 * over ready connections. A loop runs its scheduled tasks between two rounds of I/O, so a probe due every P ns runs
 * late by about the length of the round in progress: the time a request arriving now waits before it is read. With
 * T the target, I the interval and λ the lags measured by the probes of all loops in one interval:
 * <pre>
 *   overloaded during interval k+1  ⇔  min(λ over interval k) &gt; T
 * </pre>
 * The minimum, not the mean, so that one slow round (a GC pause, a burst that drains) does not shed: only a queue
 * that stayed for a whole interval does. The verdict moves at most once per interval, so shedding starts within
 * 2·I of a standing queue and stops within 2·I of its end.
 *
 * <p>Thread-safe, allocation-free: {@link #onLag} runs on every loop (CAS on one minimum), {@link #overloaded} on
 * every admission (one volatile read). The clock is injected so tests advance it instead of sleeping.
 */
public final class LoopLag {
    private final long targetNanos;
    private final long intervalNanos;
    private final LongSupplier clockNanos;
    private final AtomicLong intervalEnd;
    private final AtomicLong minLag = new AtomicLong(Long.MAX_VALUE);
    private volatile boolean overloaded;
    private volatile long lastLagNanos;

    public LoopLag(long targetNanos, long intervalNanos, LongSupplier clockNanos) {
        if (targetNanos <= 0 || intervalNanos <= 0) {
            throw new IllegalArgumentException("targetNanos=" + targetNanos + " intervalNanos=" + intervalNanos
                    + ": both must be > 0");
        }
        this.targetNanos = targetNanos;
        this.intervalNanos = intervalNanos;
        this.clockNanos = clockNanos;
        this.intervalEnd = new AtomicLong(clockNanos.getAsLong() + intervalNanos);
    }

    /** A probe ran {@code lagNanos} after it was due. */
    public void onLag(long lagNanos) {
        lastLagNanos = lagNanos;
        long now = clockNanos.getAsLong();
        long end = intervalEnd.get();
        if (now - end >= 0 && intervalEnd.compareAndSet(end, now + intervalNanos)) {
            // the closing probe belongs to the interval it closes: after an interval in which every loop was stuck
            // (no probe ran), the late probe's own lag decides
            long min = Math.min(minLag.getAndSet(Long.MAX_VALUE), lagNanos);
            overloaded = min > targetNanos;
            return;
        }
        long m = minLag.get();
        while (lagNanos < m && !minLag.compareAndSet(m, lagNanos)) {
            m = minLag.get();
        }
    }

    /** The loops had a standing queue over the last interval. */
    public boolean overloaded() {
        return overloaded;
    }

    /** The most recent probe's lag (a gauge). */
    public long lastLagNanos() {
        return lastLagNanos;
    }

    /**
     * The task one event loop schedules to itself with a fixed delay; it measures how late it runs. One per loop
     * (it keeps the loop's previous run time), reused for every run.
     */
    public Runnable probe(long periodNanos) {
        return new Runnable() {
            private long last = clockNanos.getAsLong();

            @Override
            public void run() {
                long now = clockNanos.getAsLong();
                onLag(Math.max(0, now - last - periodNanos));
                last = now;
            }
        };
    }
}
