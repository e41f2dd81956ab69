package io.matstore.client;

/**
 * How fresh an answer is, as the node said: {@code fresh}, or stale with a reason ({@code lagging},
 * {@code ingest-error}, {@code read-error-fallback}, {@code status-unknown}; see docs/api.md "Freshness"). A stale
 * answer is still the last good value; whether to use it is the caller's decision, with {@link Lookup#age()}.
 */
public record Freshness(boolean stale, String reason) {
    public static final Freshness FRESH = new Freshness(false, "fresh");

    /** From {@code X-Matstore-Freshness}: {@code fresh} or {@code stale; reason=<reason>}; absent counts as fresh. */
    public static Freshness ofHeader(String header) {
        if (header == null || header.isEmpty() || "fresh".equals(header)) {
            return FRESH;
        }
        int r = header.indexOf("reason=");
        return new Freshness(
                true,
                r < 0 ? "unknown" : header.substring(r + "reason=".length()).trim());
    }

    /** From a JSON {@code _meta.freshness}: {@code fresh} or the bare reason. */
    public static Freshness ofMeta(String freshness) {
        return freshness == null || "fresh".equals(freshness) ? FRESH : new Freshness(true, freshness);
    }

    @Override
    public String toString() {
        return stale ? "stale; reason=" + reason : "fresh";
    }
}
