package io.matstore.store.internal;

import java.util.Random;

/** Key ranks drawn from Zipf(s) over n keys by inverse CDF; rank 0 is the most popular. Seeded, so repeatable. */
final class ZipfTrace {
    private final double[] cdf;
    private final Random random;

    ZipfTrace(int n, double s, long seed) {
        cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        random = new Random(seed);
    }

    int next() {
        double u = random.nextDouble();
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
