package io.matstore.client.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The adaptive concurrency limit of one node: how many requests this client keeps in flight to it.
 *
 * <pre>
 *   success with latency ≤ target, while in flight ≥ limit / 2   limit += 1 / limit  (+½ to +1 a round trip)
 *   timeout or 503 overloaded                                     limit  = max(min, limit × backoff)
 *   request when in flight ≥ limit                                refused: the caller tries another replica,
 *                                                                 or fails fast with ConcurrencyLimitException
 * </pre>
 * Additive increase only while the limit is actually used (half of it in flight), so an idle client does not grow a
 * limit it never tested. The limit is an {@code int} of thousandths updated by compare-and-set; in flight is an
 * {@code AtomicInteger}: nothing allocated. Netflix's concurrency-limits (0.5.4, on Maven Central) has the same
 * AIMD rule, but its {@code SimpleLimiter.acquire} allocates two listener objects and an {@code Optional} per
 * request (read from its bytecode), on the path this client keeps allocation-free.
 */
public final class AimdLimit {
    private static final int MILLI = 1000;

    private final int minMillis;
    private final int maxMillis;
    private final double backoff;
    private final long targetNanos;
    private final AtomicInteger limitMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger decreases = new AtomicInteger();

    public AimdLimit(int initial, int min, int max, double backoff, long targetNanos) {
        if (min < 1 || initial < min || max < initial) {
            throw new IllegalArgumentException("concurrency limit: min=" + min + " initial=" + initial + " max=" + max
                    + " must satisfy 1 <= min <= initial <= max");
        }
        if (!(backoff > 0 && backoff < 1)) {
            throw new IllegalArgumentException("backoff=" + backoff + " is not in (0,1)");
        }
        this.minMillis = min * MILLI;
        this.maxMillis = max * MILLI;
        this.backoff = backoff;
        this.targetNanos = targetNanos;
        this.limitMillis = new AtomicInteger(initial * MILLI);
    }

    /** @return true when a request may be sent (it is now counted in flight) */
    public boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= limit()) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The node answered (anything but overloaded) in {@code latencyNanos}. */
    public void onSuccess(long latencyNanos) {
        int n = inFlight.getAndDecrement();
        if (latencyNanos > targetNanos) {
            return;
        }
        while (true) {
            int l = limitMillis.get();
            if (l >= maxMillis || n * 2L * MILLI < l) {
                return;
            }
            int next = Math.min(maxMillis, l + Math.max(1, MILLI * MILLI / l));
            if (limitMillis.compareAndSet(l, next)) {
                return;
            }
        }
    }

    /** A timeout or a 503 overloaded: the node is past its capacity. */
    public void onDrop() {
        inFlight.decrementAndGet();
        while (true) {
            int l = limitMillis.get();
            int next = Math.max(minMillis, (int) (l * backoff));
            if (limitMillis.compareAndSet(l, next)) {
                decreases.incrementAndGet();
                return;
            }
        }
    }

    /** Any other end of a request (refused connection, cancelled, 4xx): frees its slot, leaves the limit. */
    public void onIgnore() {
        inFlight.decrementAndGet();
    }

    public int limit() {
        return limitMillis.get() / MILLI;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Times the limit was cut. */
    public int decreases() {
        return decreases.get();
    }
}
