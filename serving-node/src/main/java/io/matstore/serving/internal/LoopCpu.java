package io.matstore.serving.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How much to shed, from the event loops' CPU utilisation: PIE ({@link PieProbability}) driven by the share of
 * wall time the busiest loop thread spent on a CPU over each interval, so that the answered load settles near a
 * chosen utilisation (the knee, below which requests do not queue) and the rest is refused before it can queue.
 *
 * <p>Why utilisation and not lag: the lag of a probe task ({@link LoopLag}) only grows once a queue has formed, and
 * an open-loop client's requests then already wait in the socket buffers; by the time PIE has lowered the lag, the
 * requests admitted meanwhile have paid that wait. A loop's utilisation rises before the queue: a loop busy 80 % of
 * the time answers at once, one busy 100 % of the time has a queue that can only grow. With U the utilisation
 * target, for each interval k:
 * <pre>
 *   u_k  =  max over loops of ( the loop's CPU time in the interval  /  its wall time in the interval )
 *   p    ←  PIE(u_k, U)
 * </pre>
 * The busiest loop and not the average: connections stay on the loop that accepted them, so with a few long-lived
 * connections one loop can be saturated (its clients queue) while the others idle, and an average over four loops
 * would read 0.25 + ε and never shed. Each loop's probe (a task it schedules to itself) adds its thread's CPU time
 * and the wall time since its previous run to that loop's counters; the run that passes the interval's end closes
 * it for every loop (a loop that did not read in the interval is left out). Shedding only pays if a 503 costs the loop much less than
 * an answer (c and a): answering x of an offer of O keeps u = x·a + (O − x)·c, so refusing brings the loop under
 * the target only while O·c &lt; U; benchmarks.md "Overload" measures c / a.
 *
 * <p>Thread CPU time counts only this process's time on a core: on CPUs shared with other processes a loop can be
 * late with a low utilisation (it waits to be scheduled), which this signal does not see. Use it on dedicated
 * cores, beside the lag signal on shared ones.
 *
 * <p>Thread-safe and allocation-free after the probes are made: an uncontended lock per probe run (a probe racing
 * with the close lands whole in one interval or the next), one volatile read and a per-thread random per admission. The clocks are injected so that tests advance them instead of sleeping.
 */
public final class LoopCpu {
    private final double target;
    private final long intervalNanos;
    private final LongSupplier wallNanos;
    private final LongSupplier threadCpuNanos;
    private final AtomicLong intervalEnd;
    private final PieProbability pie;
    /** One per probe, replaced whole when a probe is made (at start-up), so the closer iterates without allocating. */
    private volatile Loop[] loops = new Loop[0];

    private volatile double lastUtilisation;

    /**
     * @param target         U, the share of a core each loop may be busy, in (0, 1]
     * @param threadCpuNanos the calling thread's CPU time (ThreadMXBean#getCurrentThreadCpuTime)
     */
    public LoopCpu(double target, long intervalNanos, LongSupplier wallNanos, LongSupplier threadCpuNanos) {
        if (!(target > 0 && target <= 1) || intervalNanos <= 0) {
            throw new IllegalArgumentException("target=" + target + " intervalNanos=" + intervalNanos
                    + ": need 0 < target <= 1 and intervalNanos > 0");
        }
        this.target = target;
        this.intervalNanos = intervalNanos;
        this.wallNanos = wallNanos;
        this.threadCpuNanos = threadCpuNanos;
        this.pie = new PieProbability(target);
        this.intervalEnd = new AtomicLong(wallNanos.getAsLong() + intervalNanos);
    }

    /** {@code loop} was on a CPU {@code cpuNanos} of the last {@code elapsedNanos}. */
    private void onBusy(Loop loop, long cpuNanos, long elapsedNanos) {
        loop.add(cpuNanos, elapsedNanos);
        long now = wallNanos.getAsLong();
        long end = intervalEnd.get();
        if (now - end >= 0 && intervalEnd.compareAndSet(end, now + intervalNanos)) {
            double u = 0;
            for (Loop each : loops) {
                u = Math.max(u, each.takeUtilisation());
            }
            lastUtilisation = u;
            pie.update(u);
        }
    }

    /** Whether to shed this request: true with the probability {@link #shedProbability}. */
    public boolean shed() {
        return pie.shed();
    }

    /** The probability that a request is shed now (a gauge). */
    public double shedProbability() {
        return pie.probability();
    }

    /** The busiest loop's utilisation over the last closed interval (a gauge). */
    public double utilisation() {
        return lastUtilisation;
    }

    /**
     * The task one event loop schedules to itself with a fixed delay, reading its own thread's CPU time. One per
     * loop (it keeps that loop's previous readings), reused for every run.
     */
    public Runnable probe() {
        Loop loop = new Loop();
        synchronized (this) {
            Loop[] grown = Arrays.copyOf(loops, loops.length + 1);
            grown[grown.length - 1] = loop;
            loops = grown;
        }
        return new Runnable() {
            private long lastWall = wallNanos.getAsLong();
            private long lastCpu = -1;

            @Override
            public void run() {
                long now = wallNanos.getAsLong();
                long cpu = threadCpuNanos.getAsLong();
                if (lastCpu >= 0) { // the first run is on the loop's thread, the constructor was not
                    onBusy(loop, cpu - lastCpu, now - lastWall);
                }
                lastWall = now;
                lastCpu = cpu;
            }
        };
    }

    /**
     * One loop's readings in the open interval. A lock, not two atomics: a closer reading between a probe's two adds
     * would see the CPU time without its wall time and, with the maximum taken over loops, one such reading would set
     * the interval's utilisation to 1. The lock is taken by the loop's probe and the closer only (a few times per
     * interval), so it is all but uncontended.
     */
    private static final class Loop {
        private long busy;
        private long wall;

        synchronized void add(long cpuNanos, long elapsedNanos) {
            busy += cpuNanos;
            wall += elapsedNanos;
        }

        /** The share of the interval's wall time on a CPU, 0 if the loop did not read in it; starts the next. */
        synchronized double takeUtilisation() {
            double u = wall <= 0 ? 0 : Math.min(1.0, (double) busy / wall);
            busy = 0;
            wall = 0;
            return u;
        }
    }
}
