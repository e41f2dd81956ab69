package io.matstore.serving.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * PIE's drop probability (RFC 8033 §4.2), shared by the shed signals that feed it a measure once per interval: with
 * x_k the measure at the end of interval k, T its target and p the probability that a request is shed,
 * <pre>
 *   Δ  =  α · (x_k − T) / T  +  β · (x_k − x_{k−1}) / T      α = 1/16, β = 1/8
 *   p  ←  clamp(p + clamp(Δ, −1/8, +1/8), 0, 1)      with Δ ≤ 0 while x_k ≤ T
 * </pre>
 * The α term pulls the measure towards its target, the β term damps its swings; Δ is clamped so that one extreme
 * measure moves p by at most an eighth. Normalising by T makes the gains independent of the measure's unit. A
 * measure at or under its target never raises p: otherwise a load rising from idle to just under the target would
 * leave p at β·x/T (an eighth) through the trend term alone, which the α term then takes hundreds of intervals to
 * undo (RFC 8033 reaches the same end with its burst allowance and its smaller steps while p is small).
 *
 * <p>{@link #update} runs under this object's lock: it is called once per interval, by whichever thread closed it,
 * and a closer descheduled past the next interval's end must not interleave its read-modify-write with the next
 * closer's (the callers' CAS orders who closes, not when the update lands). {@link #shed} from any thread, without
 * the lock: one volatile read and a per-thread random, allocation-free.
 */
final class PieProbability {
    private static final double ALPHA = 1.0 / 16;
    private static final double BETA = 1.0 / 8;
    private static final double MAX_STEP = 1.0 / 8;
    private static final double ALWAYS = 0x1p31;

    private final double target;
    private double previous;
    private double probability;
    /** p · 2³¹, so that a request's decision compares two ints. */
    private volatile int threshold;

    /** @param target T, in the measure's unit (&gt; 0) */
    PieProbability(double target) {
        this.target = target;
    }

    /** An interval ended with the measure at {@code x}. */
    synchronized void update(double x) {
        double step = ALPHA * (x - target) / target + BETA * (x - previous) / target;
        step = Math.max(-MAX_STEP, Math.min(x <= target ? 0 : MAX_STEP, step));
        probability = Math.max(0, Math.min(1, probability + step));
        previous = x;
        threshold = (int) Math.min(Integer.MAX_VALUE, probability * ALWAYS);
    }

    /** True with the probability {@link #probability}; ThreadLocalRandom is the per-loop generator. */
    boolean shed() {
        int t = threshold;
        return t != 0 && shed(ThreadLocalRandom.current().nextInt(), t);
    }

    /** The decision for a uniform random int, for tests. */
    boolean shed(int random) {
        return shed(random, threshold);
    }

    private static boolean shed(int random, int threshold) {
        return (random >>> 1) < threshold;
    }

    double probability() {
        return threshold / ALWAYS;
    }
}
