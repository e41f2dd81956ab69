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

    /** The canonical request key of a combination ({@link io.matstore.schemas.KeyCodec}). */
    byte[] key(C combination);

    /** The response bytes from current state, or {@code null} when the combination is outside the parameter space. */
    byte[] compute(C combination);
}
