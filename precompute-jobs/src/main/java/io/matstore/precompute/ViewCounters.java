package io.matstore.precompute;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a running view did, for operators and tests: responses emitted, recomputations dropped as unchanged,
 * tombstones, events dead-lettered, and combinations that could not be computed. One instance per built topology,
 * shared by its tasks.
 */
public final class ViewCounters {
    private final LongAdder events = new LongAdder();
    private final LongAdder eventsDone = new LongAdder();
    private final LongAdder emitted = new LongAdder();
    private final LongAdder unchanged = new LongAdder();
    private final LongAdder tombstones = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder fatalErrors = new LongAdder();
    private final LongAdder held = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();
    // A gauge that must read exactly 0 only when it is 0 (a replay's caught-up check): an AtomicLong, not a LongAdder,
    // whose sum() can miss a concurrent pair of updates from two tasks.
    private final AtomicLong fanOutsPending = new AtomicLong();

    public long events() {
        return events.sum();
    }

    /** Events whose every affected combination has been offered (a dimension event counts once per task). */
    public long eventsDone() {
        return eventsDone.sum();
    }

    public long emitted() {
        return emitted.sum();
    }

    public long unchanged() {
        return unchanged.sum();
    }

    public long tombstones() {
        return tombstones.sum();
    }

    public long deadLettered() {
        return deadLettered.sum();
    }

    public void onEvent() {
        events.increment();
    }

    public void onEventDone() {
        eventsDone.increment();
    }

    public void onEmitted() {
        emitted.increment();
    }

    public void onUnchanged() {
        unchanged.increment();
    }

    public void onTombstone() {
        tombstones.increment();
    }

    /** Errors the job's exception handlers judged fatal: each stopped a stream thread (see docs, error policy). */
    public long fatalErrors() {
        return fatalErrors.sum();
    }

    /** Valid events held back by the view's sanity check ({@code View.holdChange}), also counted as dead letters. */
    public long held() {
        return held.sum();
    }

    public void onHeld() {
        held.increment();
    }

    /** Responses not written because they were larger than {@code view.max.response.bytes}. */
    public long tooLarge() {
        return tooLarge.sum();
    }

    public void onTooLarge() {
        tooLarge.increment();
    }

    /**
     * Tasks with a chunked fan-out not yet finished and committed ({@code ViewLogic.hasPendingFanOut}): a task counts
     * from the event that leaves a cursor until the transaction of the walk's last chunk has committed. Only the tasks
     * of this process are counted.
     */
    public long fanOutsPending() {
        return fanOutsPending.get();
    }

    public void onFanOutPending() {
        fanOutsPending.incrementAndGet();
    }

    public void onFanOutSettled() {
        fanOutsPending.decrementAndGet();
    }

    public void onFatalError() {
        fatalErrors.increment();
    }

    public void onDeadLettered() {
        deadLettered.increment();
    }

    @Override
    public String toString() {
        return "events=" + events() + " emitted=" + emitted() + " unchanged=" + unchanged() + " tombstones="
                + tombstones() + " deadLettered=" + deadLettered() + " held=" + held() + " tooLarge=" + tooLarge()
                + " fatalErrors=" + fatalErrors() + " fanOutsPending=" + fanOutsPending();
    }
}
