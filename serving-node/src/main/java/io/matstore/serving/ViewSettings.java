package io.matstore.serving;

/**
 * Per-view serving settings, parsed from {@code view.<name>.*} (see {@link ServingConfig}).
 *
 * @param view                        view name
 * @param freshnessObjectiveMillis    how far behind its log a view may fall before its answers are marked stale
 *                                    (the node stays ready: readiness means it can answer)
 * @param maxAgeSeconds               Cache-Control max-age
 * @param staleWhileRevalidateSeconds Cache-Control stale-while-revalidate (RFC 5861)
 * @param staleIfErrorSeconds         Cache-Control stale-if-error (RFC 5861)
 * @param stalenessCeilingSeconds     a key whose value was last known current longer ago than this (its Age) is
 *                                    answered 503 {@code too_stale} instead
 */
public record ViewSettings(
        String view,
        long freshnessObjectiveMillis,
        int maxAgeSeconds,
        int staleWhileRevalidateSeconds,
        int staleIfErrorSeconds,
        int stalenessCeilingSeconds) {

    /** With the staleness ceiling at its default, the view's stale-if-error. */
    public ViewSettings(
            String view,
            long freshnessObjectiveMillis,
            int maxAgeSeconds,
            int staleWhileRevalidateSeconds,
            int staleIfErrorSeconds) {
        this(
                view,
                freshnessObjectiveMillis,
                maxAgeSeconds,
                staleWhileRevalidateSeconds,
                staleIfErrorSeconds,
                staleIfErrorSeconds);
    }

    /** The Cache-Control value these settings stand for, e.g. {@code max-age=1, stale-while-revalidate=30, ...}. */
    public String cacheControl() {
        return "max-age=" + maxAgeSeconds + ", stale-while-revalidate=" + staleWhileRevalidateSeconds
                + ", stale-if-error=" + staleIfErrorSeconds;
    }
}
