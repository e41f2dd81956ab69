package io.matstore.client.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the calls of one client share to stay safe under faults: the {@link Resilience settings}, the retry and hedge
 * {@link RetryBudget budgets}, and the counters the metrics read.
 */
public final class Guards {
    public final Resilience settings;
    public final RetryBudget retries;
    public final RetryBudget hedges;
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
    }

    /**
     * The delay after which a lookup not answered yet is sent to another of these replicas too: the configured one,
     * else the lowest p99 among them; {@code Long.MAX_VALUE} (no hedge) until one has enough answers.
     */
    public long hedgeDelayNanos(Node[] replicas) {
        long configured = settings.hedgeDelayNanos();
        if (configured > 0) {
            return configured;
        }
        long lowest = Long.MAX_VALUE;
        for (Node n : replicas) {
            lowest = Math.min(lowest, n.p99Nanos());
        }
        return lowest;
    }
}
