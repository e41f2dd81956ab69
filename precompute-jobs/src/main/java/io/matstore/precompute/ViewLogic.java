package io.matstore.precompute;

import java.util.function.Consumer;

/**
 * The per-task logic of a view: fold an event into the task's state, name the combinations it may have changed,
 * compute one combination's response. One instance per stream task, called from that task's thread only.
 *
 * @param <E> the view's event
 * @param <C> one parameter combination
 */
public interface ViewLogic<E, C> {
    /**
     * Folds {@code event} into state, then reports every combination whose response may differ from the last one
     * computed. State must be fully updated before the first report: the runner computes each reported combination
     * at once. A combination may be reported that did not change (the runner drops unchanged responses), but one that
     * changed must not be missed. Reporting is streaming so that a fan-out over the whole local state never holds
     * the combinations in memory.
     */
    void apply(E event, Consumer<? super C> affected);

    /** As {@link #apply(Object, Consumer)}, for a view that keeps the event's record timestamp (e.g. in a cursor). */
    default void apply(E event, long eventTimestamp, Consumer<? super C> affected) {
        apply(event, affected);
    }

    /** The canonical request key of a combination ({@link io.matstore.schemas.KeyCodec}). */
    byte[] key(C combination);

    /** The response bytes from current state, or {@code null} when the combination is outside the parameter space. */
    byte[] compute(C combination);

    /**
     * Events the last {@link #apply} finished: 1 by default. A view that cuts a large fan-out into chunks (so each
     * transaction stays well within the transaction timeout) answers 0 when it left part of the event's fan-out for
     * {@link #resume}, and adds any earlier event whose unfinished fan-out this one superseded.
     */
    default int eventsDoneByLastApply() {
        return 1;
    }

    /**
     * Continues fan-outs that earlier events left unfinished, by one chunk, reporting combinations as
     * {@link #apply} does. The runner calls it between commits, so each chunk commits in its own transaction with
     * the cursor the view keeps in its own state (a crash resumes from the last committed chunk). Combinations not
     * yet reached answer from the state before the event, which then differs from the new one per key only.
     *
     * @return events whose fan-out this call finished
     */
    default int resume(Resumed<? super C> sink) {
        return 0;
    }

    /**
     * About how many combinations of this task's parameter space exist now (each is a key of the view topic), or -1
     * when the view cannot say. The runner reads it only for an event whose tombstones pass
     * {@code view.delete.hold.min.keys}, to judge them against {@code view.max.delete.share}. Without it the runner
     * counts the live keys the task has written since it started, which after a restart are few, so the limit then
     * holds large deletes it would otherwise let through.
     */
    default long approximateKeys() {
        return -1;
    }

    /** Whether {@link #resume} has work; asked on every punctuation, so it must be cheap. */
    default boolean hasPendingFanOut() {
        return false;
    }

    /** Where {@link #resume} reports, per unfinished event. */
    interface Resumed<C> extends Consumer<C> {
        /** The following combinations belong to the event with this record timestamp. */
        void startEvent(long eventTimestamp);
    }
}
