package io.matstore.precompute.replay;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a replay starts and how often it measures its progress.
 *
 * @param fromTimestamp  {@code null}: from the beginning of the source topics; otherwise from the first record at or
 *                       after this instant in each source partition (see docs/precompute.md for what that means for a
 *                       view's state)
 * @param resume         continue a version whose consumer group already has committed offsets, instead of refusing
 * @param pollInterval   how often the group's committed offsets are read from the broker
 */
public record ReplayOptions(Instant fromTimestamp, boolean resume, Duration pollInterval) {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

    /**
     * @throws IllegalArgumentException when a timestamp is combined with resume (a resumed group keeps its offsets)
     *                                  or the poll interval is not positive
     */
    public ReplayOptions {
        if (fromTimestamp != null && resume) {
            throw new IllegalArgumentException("a replay from a timestamp cannot resume: resuming keeps the group's "
                    + "committed offsets, a timestamp replaces them");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval=" + pollInterval + " must be > 0");
        }
    }

    public static ReplayOptions fromBeginning() {
        return new ReplayOptions(null, false, DEFAULT_POLL_INTERVAL);
    }

    public static ReplayOptions fromTimestamp(Instant timestamp) {
        return new ReplayOptions(timestamp, false, DEFAULT_POLL_INTERVAL);
    }

    /** Continue the version's existing consumer group (and its state) from its committed offsets. */
    public static ReplayOptions resuming() {
        return new ReplayOptions(null, true, DEFAULT_POLL_INTERVAL);
    }

    public ReplayOptions withPollInterval(Duration interval) {
        return new ReplayOptions(fromTimestamp, resume, interval);
    }
}
