package io.matstore.precompute.publish;

import java.io.PrintStream;

/** Reports progress of a long run; the console form rewrites one line at most twice a second. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total) -> {};

    void update(long done, long total);

    static Progress console(PrintStream out, String what) {
        long start = System.nanoTime();
        long[] lastPrint = {0};
        return (done, total) -> {
            long now = System.nanoTime();
            if (done != total && now - lastPrint[0] < 500_000_000L) {
                return;
            }
            lastPrint[0] = now;
            double seconds = Math.max(1e-9, (now - start) / 1e9);
            String percent = total > 0 ? String.format("%5.1f%%", 100.0 * done / total) : "";
            out.printf("\r%s %,d/%,d %s %,.0f/s", what, done, total, percent, done / seconds);
            if (done == total) {
                out.println();
            }
            out.flush();
        };
    }
}
