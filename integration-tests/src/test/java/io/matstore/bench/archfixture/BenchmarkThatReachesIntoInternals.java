package io.matstore.bench.archfixture;

import io.matstore.serving.internal.QueryKey;

/**
 * A deliberate violation for {@code ModuleBoundariesTest}: a benchmark class that reaches into the serving node's
 * internal package instead of its supported entry point ({@code ServingHotPath}).
 */
public final class BenchmarkThatReachesIntoInternals {
    private BenchmarkThatReachesIntoInternals() {}

    /** Builds the node's internal query scanner itself. */
    public static Object scanner() {
        return new QueryKey();
    }
}
