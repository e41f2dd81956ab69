package io.matstore.bench.serving;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping a child process a benchmark started, by its PID, in the order a clean stop needs. */
public final class ChildProcesses {
    private ChildProcesses() {}

    /**
     * Closes the child's input (children that serve until their input closes stop then), waits {@code inputGrace}
     * for that, sends SIGTERM, waits {@code termGrace}, then SIGKILL. A zero {@code inputGrace} goes straight to
     * SIGTERM, for children that do not read their input.
     */
    public static void stop(Process process, Duration inputGrace, Duration termGrace) {
        try {
            process.getOutputStream().close();
        } catch (IOException gone) {
            // already exited
        }
        try {
            if (inputGrace.isZero() || !process.waitFor(inputGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
            }
            if (!process.waitFor(termGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println(
                        "process " + process.pid() + " did not stop on SIGTERM in " + termGrace + "; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
