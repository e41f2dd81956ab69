package io.matstore.serving.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A concurrency limit that follows measured latency, additive increase / multiplicative decrease (the AIMD of TCP
 * and of Netflix's concurrency-limits {@code AIMDLimit}). With L the limit, T the latency target, β the backoff and
 * W the decrease window, each admitted request's latency x (admission to response written) updates it:
 * <pre>
 *   inFlight ≥ L / 2  ∧  x &gt; T  ⇒  L ← max(Lmin, ⌊β·L⌋)   at most once per W ms (the samples right after a
 *                                                           decrease were admitted under the old limit)
 *   inFlight ≥ L / 2  ∧  x ≤ T  ⇒  L ← min(Lmax, L + 1/L)  (about +1 per L good answers: per round trip, as TCP)
 * </pre>
 * Only a node near its limit moves it: a limit it does not come near is not raised, so it cannot grow without
 * bound while idle and then admit a burst it cannot serve; and a slow answer far below the limit (a GC pause, one
 * slow disk read) says nothing about concurrency, so it does not lower a limit that nothing would raise again. L is
 * kept in thousandths so that +1/L accumulates in an integer.
 *
 * <p>Why not concurrency-limits itself: its limiter returns an {@code Optional<Listener>} per request and its
 * limits synchronise, which the allocation-free event loops cannot take; the rule is small enough to own.
 * Thread-safe (lock-free; racing updates may lose an increment, which only slows growth); allocation-free. The
 * clock is injected so that tests advance it instead of sleeping.
 */
public final class AdaptiveLimit {
    private static final long SCALE = 1000;

    private final long min;
    private final long max;
    private final long targetNanos;
    private final double backoff;
    private final long windowMillis;
    private final LongSupplier clockMillis;
    private final AtomicLong scaledLimit;
    private final AtomicLong nextDecreaseMillis = new AtomicLong(Long.MIN_VALUE);

    public AdaptiveLimit(
            int initial,
            int min,
            int max,
            long targetNanos,
            double backoff,
            long windowMillis,
            LongSupplier clockMillis) {
        if (min < 1 || min > max || initial < min || initial > max) {
            throw new IllegalArgumentException(
                    "limits min=" + min + " initial=" + initial + " max=" + max + ": need 1 <= min <= initial <= max");
        }
        if (backoff <= 0 || backoff >= 1) {
            throw new IllegalArgumentException("backoff=" + backoff + " outside (0, 1)");
        }
        this.min = min;
        this.max = max;
        this.targetNanos = targetNanos;
        this.backoff = backoff;
        this.windowMillis = windowMillis;
        this.clockMillis = clockMillis;
        this.scaledLimit = new AtomicLong(initial * SCALE);
    }

    /** The current limit (at least {@code min}). */
    public int limit() {
        return (int) (scaledLimit.get() / SCALE);
    }

    /** One admitted request took {@code latencyNanos}; {@code inFlight} were in flight when it was answered. */
    public void onSample(long latencyNanos, int inFlight) {
        long s = scaledLimit.get();
        if (inFlight * 2L * SCALE < s) {
            return;
        }
        if (latencyNanos > targetNanos) {
            long now = clockMillis.getAsLong();
            long next = nextDecreaseMillis.get();
            if (now >= next && nextDecreaseMillis.compareAndSet(next, now + windowMillis)) {
                long l = Math.max(min, (long) (backoff * (s / SCALE)));
                scaledLimit.set(l * SCALE);
            }
        } else if (s < max * SCALE) {
            scaledLimit.compareAndSet(s, Math.min(max * SCALE, s + SCALE * SCALE / s));
        }
    }
}
