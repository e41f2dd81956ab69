package io.matstore.client;

import java.net.URI;
import java.time.Duration;

/**
 * Every replica of the owning cell that this call could use already has as many requests in flight from this client
 * as its adaptive concurrency limit allows (code {@code client_overloaded}): the client failed fast instead of
 * queueing behind a node that is past its capacity. Retry later, or lower the load.
 */
public final class ConcurrencyLimitException extends UnavailableException {
    private static final long serialVersionUID = 1L;

    public ConcurrencyLimitException(String message, URI node) {
        super(0, "client_overloaded", message, node, Duration.ZERO, null);
    }
}
