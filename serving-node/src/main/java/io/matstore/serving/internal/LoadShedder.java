package io.matstore.serving.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Node-wide load shedding on in-flight responses, with a cap on how much it rejects.
 *
 * <p>A request is in flight from admission until its response has been written to the socket, so a node whose
 * clients read slowly, or whose event loops fall behind, accumulates in-flight requests. With L the limit, ρ the
 * maximum rejection ratio, and R and J the requests seen and rejected so far in the current window of W ms:
 * <pre>
 *   reject  ⇔  inFlight ≥ L  ∧  J + 1 ≤ ρ · (R + 1)
 * </pre>
 * The second term is the cap: even when overloaded, at least (1 − ρ) of requests are admitted, so the node keeps
 * probing and recovers as soon as in-flight drops. Window counters are reset when the clock passes the window end;
 * concurrent resets may lose a few counts, which only nudges the cap.
 *
 * <p>Thread-safe; allocation-free. The clock is injected so tests advance it instead of sleeping.
 */
public final class LoadShedder {
    private final int maxInFlight;
    private final double maxRejectionRatio;
    private final long windowMillis;
    private final LongSupplier clockMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong windowEnd = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    public LoadShedder(int maxInFlight, double maxRejectionRatio, long windowMillis, LongSupplier clockMillis) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight=" + maxInFlight + " < 1");
        }
        if (maxRejectionRatio < 0 || maxRejectionRatio > 1) {
            throw new IllegalArgumentException("maxRejectionRatio=" + maxRejectionRatio + " outside [0, 1]");
        }
        if (windowMillis < 1) {
            throw new IllegalArgumentException("windowMillis=" + windowMillis + " < 1");
        }
        this.maxInFlight = maxInFlight;
        this.maxRejectionRatio = maxRejectionRatio;
        this.windowMillis = windowMillis;
        this.clockMillis = clockMillis;
    }

    /** Admits (and counts in flight; pair with {@link #release}) or rejects a request. */
    public boolean tryAcquire() {
        long now = clockMillis.getAsLong();
        long end = windowEnd.get();
        if (now >= end && windowEnd.compareAndSet(end, now + windowMillis)) {
            requests.set(0);
            rejected.set(0);
        }
        long r = requests.incrementAndGet();
        if (inFlight.get() >= maxInFlight && rejected.get() + 1 <= maxRejectionRatio * r) {
            rejected.incrementAndGet();
            return false;
        }
        inFlight.incrementAndGet();
        return true;
    }

    /** The admitted request's response has been written (or failed). */
    public void release() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }
}
