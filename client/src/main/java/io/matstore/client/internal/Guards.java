package io.matstore.client.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the calls of one client share to stay safe under faults: the {@link Resilience settings}, the retry and hedge
 * {@link RetryBudget budgets}, the tracked latency that times hedges, and the counters the metrics read.
 */
public final class Guards {
    public final Resilience settings;
    public final RetryBudget retries;
    public final RetryBudget hedges;
    public final LatencyTracker latency;
    public final LongAdder calls = new LongAdder();
    public final LongAdder retriesSent = new LongAdder();
    public final LongAdder hedgesSent = new LongAdder();
    public final LongAdder hedgesWon = new LongAdder();
    public final LongAdder circuitOpenFailures = new LongAdder();
    public final LongAdder limitFailures = new LongAdder();
    public final LongAdder deadlineFailures = new LongAdder();

    public Guards(Resilience settings) {
        this.settings = settings;
        this.retries = new RetryBudget(settings.retryRatio(), settings.retryMinPerSecond(), settings.clock());
        this.hedges = new RetryBudget(settings.hedgeRatio(), 0, settings.clock());
        this.latency = new LatencyTracker(Long.MAX_VALUE);
    }

    /** The delay after which a lookup not answered yet is sent to another replica too. */
    public long hedgeDelayNanos() {
        long configured = settings.hedgeDelayNanos();
        return configured > 0 ? configured : Math.max(500_000L, latency.p95Nanos());
    }
}
