package io.matstore.bench.all;

/**
 * The sizes and durations of one {@link AllScenarios} run. Both modes are bounded twice: by these durations, and by
 * {@code budgetSeconds}, after which the run stops the processes it started (wrk, the restarted node) by PID, prints
 * the rows it has and exits.
 *
 * @param skus           offers skus in the served view (× 8 keys); misses are uniform over all of them
 * @param nearCache      near-cache entries of the served store, 10 % of its keys, as in ServingLoadRun
 * @param seconds        per wrk run, after a warm-up of {@code warmUpSeconds}
 * @param rounds         of the HTTP scenarios, alternating node and anchor
 * @param latencyKeys    keys of the in-process near-cache hit run
 * @param latencySeconds measured seconds of each kind of its rounds
 * @param products       of the precompute catalogue (× 8 responses per FX fan-out)
 * @param rawRecords     records of the raw producer ceiling
 * @param restartSkus    offers skus (× 8 combinations) of the restarted node's store
 * @param probeSeconds   of each loaded window of the freshness probe (at the goal's rates in both modes)
 * @param probeIdleSeconds of the freshness probe's idle window (its latency anchor)
 */
record Mode(
        String name,
        int skus,
        long nearCache,
        int seconds,
        int warmUpSeconds,
        int rounds,
        int latencyKeys,
        int latencySeconds,
        int products,
        int rawRecords,
        int restartSkus,
        int probeSeconds,
        int probeIdleSeconds,
        int budgetSeconds) {
    static final Mode QUICK = new Mode("quick", 5_000, 4_000, 5, 2, 1, 10_000, 3, 5_000, 300_000, 25_000, 8, 3, 480);
    static final Mode FULL =
            new Mode("default", 25_000, 20_000, 10, 3, 2, 10_000, 8, 20_000, 1_000_000, 250_000, 30, 5, 1200);

    /** This mode cut at {@code budget} seconds instead ({@code --budget=SECONDS}). */
    Mode withBudget(int budget) {
        return new Mode(
                name,
                skus,
                nearCache,
                seconds,
                warmUpSeconds,
                rounds,
                latencyKeys,
                latencySeconds,
                products,
                rawRecords,
                restartSkus,
                probeSeconds,
                probeIdleSeconds,
                budget);
    }
}
