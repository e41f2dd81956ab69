package io.matstore.precompute.replay;

/**
 * A snapshot of a replay's progress towards the source end offsets captured when it started.
 *
 * @param consumed source records (offsets, transaction markers included) the job has committed past, since its
 *                 start offsets, counting no partition beyond its captured end
 * @param total    source records between the start offsets and the captured end offsets
 * @param phase    where the replay is
 */
public record ReplayProgress(long consumed, long total, Phase phase) {
    public enum Phase {
        /** Reading the source topics up to the captured end. */
        CONSUMING,
        /**
         * The source is read to the captured end; the job's internal repartition topics are not yet processed, or a
         * chunked fan-out of a task is still walking.
         */
        DRAINING,
        /** Every event up to the captured end is in the view topic (committed); the job continues live. */
        CAUGHT_UP
    }

    public long remaining() {
        return Math.max(0, total - consumed);
    }

    public boolean caughtUp() {
        return phase == Phase.CAUGHT_UP;
    }

    @Override
    public String toString() {
        return phase + " " + consumed + "/" + total;
    }
}
