package io.matstore.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The client's optional cache of last good answers (Caffeine, bounded by entries): per view and key the last 200 with
 * its ETag and the node's {@code Cache-Control} ({@code max-age}, {@code stale-while-revalidate},
 * {@code stale-if-error}, RFC 5861), so that
 * <pre>
 *   age ≤ max-age                              → answered from the cache, no request
 *   age ≤ max-age + stale-while-revalidate     → answered from the cache, and one lookup revalidates it in the
 *                                                background with If-None-Match (304 renews it, 200 replaces it)
 *   otherwise                                  → a lookup (with If-None-Match when an entry exists)
 *   the lookup fails as unavailable (every replica failed or open, deadline), age ≤ max-age + stale-if-error
 *                                              → the cached answer, marked stale (reason client-stale-if-error)
 *                                                with its age grown by its time in the cache
 * </pre>
 * Only {@code get}/{@code getAsync} answers (FlatBuffers) are cached; a 404 removes nothing (the last good value
 * stays for errors, as the node's own stale-on-error does). The key is the view's name and the canonical key bytes.
 */
final class LookupCache {
    private final Cache<String, Entry> entries;
    private final LongSupplier clock;
    final LongAdder hits = new LongAdder();
    final LongAdder staleWhileRevalidate = new LongAdder();
    final LongAdder staleIfError = new LongAdder();
    final LongAdder revalidated = new LongAdder();
    /** Keys with a background revalidation under way: one per key at a time. */
    final java.util.Set<String> refreshing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    LookupCache(long maxEntries, LongSupplier clock) {
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).build();
        this.clock = clock;
    }

    static String key(String view, byte[] key) {
        return view + '\u0000' + new String(key, StandardCharsets.ISO_8859_1);
    }

    Entry get(String key) {
        return entries.getIfPresent(key);
    }

    void put(String key, Lookup lookup, String cacheControl) {
        entries.put(
                key,
                new Entry(
                        lookup,
                        clock.getAsLong(),
                        seconds(cacheControl, "max-age="),
                        seconds(cacheControl, "stale-while-revalidate="),
                        seconds(cacheControl, "stale-if-error=")));
    }

    /** A 304: the entry is as good as new. */
    void renew(String key, Entry e) {
        entries.put(key, new Entry(e.lookup, clock.getAsLong(), e.maxAge, e.staleWhileRevalidate, e.staleIfError));
        revalidated.increment();
    }

    long ageNanos(Entry e) {
        return clock.getAsLong() - e.storedAt;
    }

    long size() {
        return entries.estimatedSize();
    }

    private static long seconds(String cacheControl, String directive) {
        if (cacheControl == null) {
            return 0;
        }
        int i = cacheControl.indexOf(directive);
        if (i < 0) {
            return 0;
        }
        int start = i + directive.length();
        int end = start;
        while (end < cacheControl.length() && Character.isDigit(cacheControl.charAt(end))) {
            end++;
        }
        return end == start ? 0 : Long.parseLong(cacheControl.substring(start, end)) * 1_000_000_000L;
    }

    /** One cached answer; times in nanoseconds. */
    record Entry(Lookup lookup, long storedAt, long maxAge, long staleWhileRevalidate, long staleIfError) {}
}
