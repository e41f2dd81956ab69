package io.matstore.client;

import java.net.URI;
import java.time.Duration;

/**
 * No replica could answer: every replica of the owning cell answered 503 ({@code not_ready}, {@code overloaded},
 * {@code store_unavailable}...) or could not be reached, the partition has no loaded owner, or no bootstrap node
 * gave a routing table. {@link #retryAfter()} is the last node's {@code Retry-After}, or zero when none said.
 */
public class UnavailableException extends MatstoreClientException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public UnavailableException(
            int status, String code, String message, URI node, Duration retryAfter, Throwable cause) {
        super(status, code, message, node, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
