package io.matstore.serving.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How much to shed, from the event loops' lag: PIE's controller (RFC 8033) driven by the delay of a task each loop
 * schedules to itself, with CoDel's minimum over an interval as the delay estimate.
 *
 * <p>Why lag and not in-flight: a lookup is answered synchronously on its event loop, so a request is in flight
 * for microseconds and the queue builds before admission, in the sockets' receive buffers and in the loop's turn
 * over ready connections. A loop runs its scheduled tasks between two rounds of I/O, so a probe due every P ns runs
 * late by about the length of the round in progress: the time a request arriving now waits before it is read.
 *
 * <p>With T the target, I the interval, λ_k the smallest lag measured by the probes of all loops in
 * interval k, and p the probability that a request is shed, at the end of interval k:
 * <pre>
 *   p  ←  PIE(λ_k, T)     ({@link PieProbability}: Δ = α·(λ_k − T)/T + β·(λ_k − λ_{k−1})/T, α = 1/16, β = 1/8)
 *   overloaded during interval k+1  ⇔  λ_k &gt; T
 * </pre>
 * The minimum, not the mean, so that one slow round (a GC pause, a burst that drains) does not count: only a queue
 * that stayed for a whole interval does. Unlike CoDel's on/off verdict, which shed everything for an interval and
 * then nothing (the loop emptied, the verdict flipped, the queue came back), p settles where the admitted load
 * keeps the lag near T: the α term pulls the lag towards the target, the β term damps its swings. Δ is clamped so
 * that one very late probe (every loop stuck, λ at many times T) moves p by at most an eighth; from 0, p reaches
 * 0.8 in about seven intervals of a standing queue and falls back at least 1/16 per interval below target.
 * {@link #overloaded} is the lag above target now, for the connections paused while it lasts.
 *
 * <p>Thread-safe, allocation-free: {@link #onLag} runs on every loop (CAS on one minimum; the controller runs only
 * on the thread whose CAS closed the interval), {@link #shed} on every admission (one volatile read, one
 * thread-local random). The clock is injected so tests advance it instead of sleeping.
 */
public final class LoopLag {
    private final long targetNanos;
    private final long intervalNanos;
    private final LongSupplier clockNanos;
    private final AtomicLong intervalEnd;
    private final AtomicLong minLag = new AtomicLong(Long.MAX_VALUE);
    /** Updated only by the interval's closer; the CAS on intervalEnd orders successive closers. */
    private final PieProbability pie;

    private volatile boolean overloaded;
    private volatile long lastLagNanos;

    public LoopLag(long targetNanos, long intervalNanos, LongSupplier clockNanos) {
        if (targetNanos <= 0 || intervalNanos <= 0) {
            throw new IllegalArgumentException(
                    "targetNanos=" + targetNanos + " intervalNanos=" + intervalNanos + ": both must be > 0");
        }
        this.targetNanos = targetNanos;
        this.intervalNanos = intervalNanos;
        this.clockNanos = clockNanos;
        this.pie = new PieProbability(targetNanos);
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
            close(Math.min(minLag.getAndSet(Long.MAX_VALUE), lagNanos));
            return;
        }
        long m = minLag.get();
        while (lagNanos < m && !minLag.compareAndSet(m, lagNanos)) {
            m = minLag.get();
        }
    }

    private void close(long min) {
        pie.update(min);
        overloaded = min > targetNanos;
    }

    /**
     * Whether to shed this request: true with the probability {@link #shedProbability}. ThreadLocalRandom is the
     * per-loop generator (one event loop is one thread), allocation-free and without shared state.
     */
    public boolean shed() {
        return pie.shed();
    }

    /** The decision for a uniform random int, for tests. */
    boolean shed(int random) {
        return pie.shed(random);
    }

    /** The probability that a request is shed now (a gauge). */
    public double shedProbability() {
        return pie.probability();
    }

    /** The loops' lag stayed above the target over the last interval. */
    public boolean overloaded() {
        return overloaded;
    }

    /** The interval at whose ends p and {@link #overloaded} move. */
    public long intervalNanos() {
        return intervalNanos;
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
