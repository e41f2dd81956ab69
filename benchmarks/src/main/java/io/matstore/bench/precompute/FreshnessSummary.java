package io.matstore.bench.precompute;

import org.HdrHistogram.Histogram;

/**
 * Publish-to-served latencies of one probe window.
 *
 * @param micros        latencies in µs; unseen markers are recorded at {@code unseenAfterMillis}
 * @param published     markers published
 * @param seen          markers served within the bound
 * @param unseen        markers not served within the bound
 * @param unseenAfterMillis the bound
 */
public record FreshnessSummary(Histogram micros, long published, long seen, long unseen, long unseenAfterMillis) {
    public double p50Millis() {
        return micros.getValueAtPercentile(50) / 1000.0;
    }

    public double p99Millis() {
        return micros.getValueAtPercentile(99) / 1000.0;
    }

    public double maxMillis() {
        return micros.getMaxValue() / 1000.0;
    }

    /** Markers still outstanding when the window was read (neither served nor expired). */
    public long pending() {
        return published - seen - unseen;
    }

    /** A percentile in ms, written "≥ bound" when it is an unseen marker's. */
    public String millis(double value) {
        return value >= unseenAfterMillis
                ? String.format("≥ %,d ms", unseenAfterMillis)
                : String.format("%.1f ms", value);
    }

    @Override
    public String toString() {
        return String.format(
                "p50 %s, p99 %s, max %s (%d markers: %d served, %d not within %,d ms)",
                millis(p50Millis()),
                millis(p99Millis()),
                millis(maxMillis()),
                published,
                seen,
                unseen,
                unseenAfterMillis);
    }
}
