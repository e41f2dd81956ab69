package io.matstore.client;

import io.matstore.client.internal.Breaker;
import java.util.function.LongSupplier;

/**
 * The client's circuit breaker of one node (consecutive failures open it; after {@code openNanos} one probe may
 * close it), as a supported entry point for the benchmarks module, which compares it with a library's: the client's
 * own instances stay internal. Lock-free; nothing is allocated per call.
 */
public final class NodeBreaker {
    private final Breaker breaker;

    public NodeBreaker(int failureThreshold, long openNanos, LongSupplier nanoClock) {
        this.breaker = new Breaker(failureThreshold, openNanos, nanoClock);
    }

    /** Takes the permission to send: always when closed; when open and its time has passed, the one probe. */
    public boolean tryAcquire() {
        return breaker.tryAcquire();
    }

    /** A request to the node succeeded. */
    public void onSuccess() {
        breaker.onSuccess();
    }

    /** A request to the node failed (no answer, 503). */
    public void onFailure() {
        breaker.onFailure();
    }
}
