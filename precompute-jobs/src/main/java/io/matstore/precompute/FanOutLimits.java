package io.matstore.precompute;

/**
 * Sanity limits the runner applies to every view's output, whatever the view: what one event may write.
 *
 * @param maxResponseBytes   largest response (the view's bytes, before the envelope) written to the view topic; a
 *                           larger one is not written, its key keeps its last response, and the event is
 *                           dead-lettered with the size and this limit in the reason
 * @param maxDeleteShare     largest share (0..1] of a task's keys one event may tombstone; above it, and above
 *                           {@code deleteHoldMinKeys}, the event's tombstones are held (not written) and the event is
 *                           dead-lettered with the reason and counted as held; 1.0 disables the check
 * @param deleteHoldMinKeys  an event that tombstones at most this many keys of a task is never held, so that deleting
 *                           one product of a small view is not mistaken for a catastrophe
 */
public record FanOutLimits(int maxResponseBytes, double maxDeleteShare, int deleteHoldMinKeys) {
    /** Under the broker's default message size (1 MiB) with room for the envelope and the key: {@value}. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1_000_000;

    public static final double DEFAULT_MAX_DELETE_SHARE = 0.5;
    public static final int DEFAULT_DELETE_HOLD_MIN_KEYS = 1000;
    public static final FanOutLimits DEFAULTS =
            new FanOutLimits(DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_DELETE_SHARE, DEFAULT_DELETE_HOLD_MIN_KEYS);

    /** @throws IllegalArgumentException naming the value and its bounds */
    public FanOutLimits {
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("maxResponseBytes=" + maxResponseBytes + " < 1");
        }
        if (!(maxDeleteShare > 0.0 && maxDeleteShare <= 1.0)) {
            throw new IllegalArgumentException("maxDeleteShare=" + maxDeleteShare + " is outside (0, 1]");
        }
        if (deleteHoldMinKeys < 0) {
            throw new IllegalArgumentException("deleteHoldMinKeys=" + deleteHoldMinKeys + " < 0");
        }
    }
}
