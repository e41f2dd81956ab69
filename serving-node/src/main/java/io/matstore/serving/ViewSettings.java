package io.matstore.serving;

/**
 * Per-view serving settings, parsed from {@code view.<name>.*} (see {@link ServingConfig}).
 *
 * @param view                        view name
 * @param freshnessObjectiveMillis    how far behind its log a view may fall before its answers are marked stale
 *                                    and the node reports not ready
 * @param maxAgeSeconds               Cache-Control max-age
 * @param staleWhileRevalidateSeconds Cache-Control stale-while-revalidate (RFC 5861)
 * @param staleIfErrorSeconds         Cache-Control stale-if-error (RFC 5861)
 */
public record ViewSettings(String view, long freshnessObjectiveMillis, int maxAgeSeconds,
                           int staleWhileRevalidateSeconds, int staleIfErrorSeconds) {

    /** The Cache-Control value these settings stand for, e.g. {@code max-age=1, stale-while-revalidate=30, ...}. */
    public String cacheControl() {
        return "max-age=" + maxAgeSeconds + ", stale-while-revalidate=" + staleWhileRevalidateSeconds
                + ", stale-if-error=" + staleIfErrorSeconds;
    }
}
