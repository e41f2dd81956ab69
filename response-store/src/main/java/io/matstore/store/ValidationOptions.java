package io.matstore.store;

import java.time.Duration;

/**
 * How strict {@link VersionValidation} is.
 *
 * @param samples            keys sampled from each version for the comparison and the validators
 * @param maxCountDifference largest accepted |candidate − current| / current of the entry counts (0.001 = 0.1 %)
 * @param maxMissingRatio    largest accepted share of sampled keys of one version missing in the other: events
 *                           that keep arriving create and delete keys in one version slightly before the other
 * @param catchUpTimeout     how long to wait for the candidate to reach its topic's end before failing that check
 * @param seed               sampling seed; the same seed over the same content samples the same keys
 */
public record ValidationOptions(
        int samples, double maxCountDifference, double maxMissingRatio, Duration catchUpTimeout, long seed) {
    public static final int DEFAULT_SAMPLES = 1_000;
    public static final double DEFAULT_MAX_COUNT_DIFFERENCE = 0.001;
    public static final double DEFAULT_MAX_MISSING_RATIO = 0.01;
    public static final Duration DEFAULT_CATCH_UP_TIMEOUT = Duration.ofSeconds(5);

    public ValidationOptions {
        if (samples < 1 || samples > 1_000_000) {
            throw new IllegalArgumentException("samples=" + samples + " outside 1..1000000");
        }
        if (!(maxCountDifference >= 0 && maxCountDifference <= 1)) {
            throw new IllegalArgumentException("maxCountDifference=" + maxCountDifference + " outside 0..1");
        }
        if (!(maxMissingRatio >= 0 && maxMissingRatio <= 1)) {
            throw new IllegalArgumentException("maxMissingRatio=" + maxMissingRatio + " outside 0..1");
        }
        if (catchUpTimeout.isNegative()) {
            throw new IllegalArgumentException("catchUpTimeout=" + catchUpTimeout + " is negative");
        }
    }

    public static ValidationOptions defaults() {
        return new ValidationOptions(
                DEFAULT_SAMPLES, DEFAULT_MAX_COUNT_DIFFERENCE, DEFAULT_MAX_MISSING_RATIO, DEFAULT_CATCH_UP_TIMEOUT, 1);
    }
}
