package io.matstore.client.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket that bounds extra requests (retries, hedges) to a fraction of the successful ones, whatever fails.
 *
 * <pre>
 *   each success        deposits  ratio tokens              (0.1: at most ~10 % retries)
 *   each second         deposits  minPerSecond tokens       (so a client with no successes can still probe)
 *   each extra request  takes     1 token, or is refused    (counted in exhausted())
 *   the bucket holds at most  max(50, 10 × minPerSecond)     (a burst after a quiet hour stays bounded, and
 *                             tokens     covers the requests in flight to a replica that dies at once)
 * </pre>
 * So over any period, extra requests ≤ ratio × successes + minPerSecond × seconds + the bucket's capacity. Tokens
 * are counted in thousandths in one {@code AtomicLong}: a success is one add, a retry one compare-and-set, nothing is
 * allocated. The time deposit is folded in lazily when a token is asked for, from an injectable clock (tests need no
 * sleeping). Written here rather than taken from Resilience4j, whose {@code Retry} counts attempts per call and has
 * no budget shared across calls (Finagle's {@code RetryBudget} is the model, but it is Scala).
 */
public final class RetryBudget {
    private static final long MILLI = 1000;

    private final long depositMillis;
    private final double minPerNano;
    private final long capacityMillis;
    private final LongSupplier nanoClock;
    private final AtomicLong tokensMillis;
    private final AtomicLong lastRefillNanos;
    private final AtomicLong exhausted = new AtomicLong();
    private final AtomicLong granted = new AtomicLong();

    /**
     * @param ratio        tokens each success deposits (0.1 = retries up to ~10 % of successes)
     * @param minPerSecond tokens deposited per second regardless of successes
     */
    public RetryBudget(double ratio, double minPerSecond, LongSupplier nanoClock) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio=" + ratio + " is not in [0,1]");
        }
        if (!(minPerSecond >= 0)) {
            throw new IllegalArgumentException("minPerSecond=" + minPerSecond + " < 0");
        }
        this.depositMillis = Math.round(ratio * MILLI);
        this.minPerNano = minPerSecond * MILLI / 1e9;
        this.capacityMillis = (long) (Math.max(50, 10 * minPerSecond) * MILLI);
        this.nanoClock = nanoClock;
        this.tokensMillis = new AtomicLong(capacityMillis);
        this.lastRefillNanos = new AtomicLong(nanoClock.getAsLong());
    }

    public void onSuccess() {
        if (depositMillis > 0) {
            add(depositMillis);
        }
    }

    /** @return true when an extra request may be sent (a token was taken); false counts an exhaustion */
    public boolean tryAcquire() {
        refill();
        while (true) {
            long t = tokensMillis.get();
            if (t < MILLI) {
                exhausted.incrementAndGet();
                return false;
            }
            if (tokensMillis.compareAndSet(t, t - MILLI)) {
                granted.incrementAndGet();
                return true;
            }
        }
    }

    /** Extra requests refused for want of a token. */
    public long exhausted() {
        return exhausted.get();
    }

    /** Extra requests allowed. */
    public long granted() {
        return granted.get();
    }

    /** Whole tokens in the bucket now. */
    public double tokens() {
        refill();
        return tokensMillis.get() / (double) MILLI;
    }

    private void refill() {
        if (minPerNano == 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        long last = lastRefillNanos.get();
        long add = (long) ((now - last) * minPerNano);
        if (add > 0 && lastRefillNanos.compareAndSet(last, now)) {
            add(add);
        }
    }

    private void add(long millis) {
        while (true) {
            long t = tokensMillis.get();
            if (t >= capacityMillis) {
                return;
            }
            if (tokensMillis.compareAndSet(t, Math.min(capacityMillis, t + millis))) {
                return;
            }
        }
    }
}
