package io.matstore.precompute.replay;

import java.time.Duration;

/**
 * The moment a replay reached the end offsets captured at its start.
 *
 * @param records source records (offsets) between the start and the captured end
 * @param elapsed from the start of the replay to the moment it was seen caught up (measured every poll interval)
 */
public record CaughtUp(long records, Duration elapsed) {
    public double recordsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : records / seconds;
    }
}
