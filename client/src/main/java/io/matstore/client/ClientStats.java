package io.matstore.client;

/**
 * The client's resilience counters since it started (also exported as metrics, see docs/client.md).
 *
 * @param calls                 lookups ({@code get}, {@code getAsync}, {@code getJson}) started
 * @param retries               requests sent again to another replica after a failure
 * @param retryBudgetExhausted  retries not sent for want of a budget token: the failure was returned instead
 * @param hedges                hedged requests sent
 * @param hedgesWon             hedged requests answered first
 * @param hedgeBudgetExhausted  hedges not sent for want of a budget token
 * @param circuitOpen           lookups failed at once because every replica's breaker was open (or Retry-After)
 * @param limited               lookups failed at once because every replica was at its concurrency limit
 * @param deadlineExceeded      lookups failed for their deadline
 * @param cacheHits             lookups answered from the client cache within max-age
 * @param cacheStaleWhileRevalidate lookups answered from the cache while it was revalidated in the background
 * @param cacheStaleIfError     lookups that failed but were answered from the cache, marked stale
 * @param cacheRevalidated      cached entries renewed by a 304
 */
public record ClientStats(
        long calls,
        long retries,
        long retryBudgetExhausted,
        long hedges,
        long hedgesWon,
        long hedgeBudgetExhausted,
        long circuitOpen,
        long limited,
        long deadlineExceeded,
        long cacheHits,
        long cacheStaleWhileRevalidate,
        long cacheStaleIfError,
        long cacheRevalidated) {}
