package io.matstore.client.internal;

import java.util.function.LongSupplier;

/**
 * The resilience settings of one client (see {@code MatstoreClientBuilder} for each one's meaning and default),
 * immutable, and the clock every mechanism reads so tests can drive time.
 *
 * @param hedgeDelayNanos 0 = the client's tracked p99 latency
 */
public record Resilience(
        long deadlineNanos,
        double retryRatio,
        double retryMinPerSecond,
        int breakerFailures,
        long breakerOpenNanos,
        boolean hedging,
        long hedgeDelayNanos,
        double hedgeRatio,
        int limitInitial,
        int limitMin,
        int limitMax,
        long limitTargetNanos,
        LongSupplier clock) {

    public static Resilience defaults() {
        return new Resilience(
                10_000_000_000L, 0.1, 2, 5, 1_000_000_000L, true, 0, 0.05, 64, 4, 1024, 100_000_000L, System::nanoTime);
    }

    Breaker newBreaker() {
        return new Breaker(breakerFailures, breakerOpenNanos, clock);
    }

    AimdLimit newLimit() {
        return new AimdLimit(limitInitial, limitMin, limitMax, 0.9, limitTargetNanos);
    }
}
