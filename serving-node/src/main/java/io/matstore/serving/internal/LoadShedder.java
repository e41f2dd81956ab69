package io.matstore.serving.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Node-wide load shedding on in-flight responses, with a cap on how much it rejects and a fair share per connection.
 *
 * <p>A request is in flight from admission until its response has been written to the socket, so a node whose
 * clients read slowly, or whose event loops fall behind, accumulates in-flight requests. With L the limit (fixed, or
 * an {@link AdaptiveLimit} that follows latency), ρ the maximum rejection ratio, R and J the requests seen and
 * rejected so far in the current window of W ms, c the request's connection's own in-flight count and N the open
 * connections:
 * <pre>
 *   over    ⇔  inFlight ≥ L  ∨  (inFlight ≥ L/2  ∧  c ≥ max(1, ⌊L/N⌋))  ∨  lagging  ∨  busy
 *   reject  ⇔  over  ∧  J + 1 ≤ ρ · (R + 1)
 * </pre>
 * where lagging is {@link LoopLag#shed()}, true with a probability that follows the event loops' lag (PIE): the
 * signal of a CPU-bound node whose requests wait before admission, where in-flight cannot see them, and busy is
 * {@link LoopCpu#shed()}, the same from the loops' CPU utilisation, which rises before that wait does.
 * The fair-share term sheds a connection that holds more than its share once the node is half full, so one client
 * that pipelines cannot push every other one into shedding. The last term is the cap: even when overloaded, at
 * least (1 − ρ) of requests are admitted, so the node keeps probing and recovers as soon as in-flight drops. Window
 * counters are reset when the clock passes the window end; concurrent resets may lose a few counts, which only
 * nudges the cap. A batch weighs as its items: admitted as one at its headers, it takes the rest with
 * {@link #tryAcquireMore} once its body is read.
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
    /** Null: the limit is {@code maxInFlight}. */
    private final AdaptiveLimit adaptive;
    /** Null: no lag signal. */
    private final LoopLag lag;
    /** Null: no CPU signal. */
    private final LoopCpu cpu;

    public LoadShedder(int maxInFlight, double maxRejectionRatio, long windowMillis, LongSupplier clockMillis) {
        this(maxInFlight, maxRejectionRatio, windowMillis, clockMillis, null);
    }

    /** @param adaptive the limit to follow, or null for the fixed {@code maxInFlight} */
    public LoadShedder(
            int maxInFlight,
            double maxRejectionRatio,
            long windowMillis,
            LongSupplier clockMillis,
            AdaptiveLimit adaptive) {
        this(maxInFlight, maxRejectionRatio, windowMillis, clockMillis, adaptive, null);
    }

    /**
     * @param adaptive the limit to follow, or null for the fixed {@code maxInFlight}
     * @param lag      the event loops' lag, or null to shed on in-flight only
     */
    public LoadShedder(
            int maxInFlight,
            double maxRejectionRatio,
            long windowMillis,
            LongSupplier clockMillis,
            AdaptiveLimit adaptive,
            LoopLag lag) {
        this(maxInFlight, maxRejectionRatio, windowMillis, clockMillis, adaptive, lag, null);
    }

    /**
     * @param adaptive the limit to follow, or null for the fixed {@code maxInFlight}
     * @param lag      the event loops' lag, or null for no lag signal
     * @param cpu      the event loops' CPU utilisation, or null for no CPU signal
     */
    public LoadShedder(
            int maxInFlight,
            double maxRejectionRatio,
            long windowMillis,
            LongSupplier clockMillis,
            AdaptiveLimit adaptive,
            LoopLag lag,
            LoopCpu cpu) {
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
        this.adaptive = adaptive;
        this.lag = lag;
        this.cpu = cpu;
    }

    /** The limit now. */
    public int limit() {
        return adaptive == null ? maxInFlight : adaptive.limit();
    }

    /** Admits (and counts in flight; pair with {@link #release}) or rejects a request, ignoring fairness. */
    public boolean tryAcquire() {
        return tryAcquire(0, 1);
    }

    /**
     * Admits (and counts in flight; pair with {@link #release}) or rejects a request.
     *
     * @param connectionInFlight what the request's connection already has in flight
     * @param connections        open connections
     */
    public boolean tryAcquire(int connectionInFlight, int connections) {
        return tryAcquire(connectionInFlight, connections, false);
    }

    /**
     * Admits (and counts in flight; pair with {@link #release}) or rejects a request.
     *
     * @param connectionInFlight what the request's connection already has in flight
     * @param connections        open connections
     * @param signalsDrawn       the loops' signals already decided to keep this request ({@link #shedEarly})
     */
    public boolean tryAcquire(int connectionInFlight, int connections, boolean signalsDrawn) {
        long r = countRequest();
        int limit = limit();
        int n = inFlight.get();
        boolean over = n >= limit
                || 2 * n >= limit && connectionInFlight >= Math.max(1, limit / Math.max(1, connections))
                || !signalsDrawn && signalsShed();
        if (over && rejected.get() + 1 <= maxRejectionRatio * r) {
            rejected.incrementAndGet();
            return false;
        }
        inFlight.incrementAndGet();
        return true;
    }

    /**
     * For a request not yet decoded: true when the loops' signals shed it within the rejection cap (it then counts
     * as a request and a rejection). False leaves it uncounted: it is counted at its admission.
     */
    public boolean shedEarly() {
        if (!signalsShed()) {
            return false;
        }
        long r = countRequest();
        if (rejected.get() + 1 <= maxRejectionRatio * r) {
            rejected.incrementAndGet();
            return true;
        }
        requests.decrementAndGet();
        return false;
    }

    /** Whether the loops' lag or CPU signal is on (a request may be shed before it is decoded). */
    public boolean hasLoopSignal() {
        return lag != null || cpu != null;
    }

    private boolean signalsShed() {
        return lag != null && lag.shed() || cpu != null && cpu.shed();
    }

    /** Counts a request in the current window, starting a new window when the clock passed its end. */
    private long countRequest() {
        long now = clockMillis.getAsLong();
        long end = windowEnd.get();
        if (now >= end && windowEnd.compareAndSet(end, now + windowMillis)) {
            requests.set(0);
            rejected.set(0);
        }
        return requests.incrementAndGet();
    }

    /** Adds {@code n} to an admitted request's weight (a batch's other items), or rejects it whole. */
    public boolean tryAcquireMore(int n) {
        if (n <= 0) {
            return true;
        }
        if (inFlight.get() + n > limit() && rejected.get() + 1 <= maxRejectionRatio * requests.get()) {
            rejected.incrementAndGet();
            return false;
        }
        inFlight.addAndGet(n);
        return true;
    }

    /** The admitted request's response has been written (or failed). */
    public void release() {
        inFlight.decrementAndGet();
    }

    /** A request of weight {@code n} is done. */
    public void release(int n) {
        inFlight.addAndGet(-n);
    }

    /** An admitted request was answered after {@code latencyNanos} (feeds the adaptive limit). */
    public void onAnswered(long latencyNanos) {
        if (adaptive != null) {
            adaptive.onSample(latencyNanos, inFlight.get());
        }
    }

    /** The event loops' lag it sheds on, or null. */
    public LoopLag lag() {
        return lag;
    }

    public int inFlight() {
        return inFlight.get();
    }
}
