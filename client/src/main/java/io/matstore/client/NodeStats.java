package io.matstore.client;

import io.matstore.client.internal.Breaker;
import io.matstore.client.internal.Node;
import java.net.URI;

/**
 * One node as this client sees it now.
 *
 * @param breaker          {@code closed}, {@code open} or {@code half_open}
 * @param concurrencyLimit the adaptive limit of this client's lookups in flight to it
 * @param inFlight         this client's lookups in flight to it
 * @param limitDecreases   times the limit was cut (timeouts, 503 overloaded)
 * @param breakerOpened    times the breaker opened
 * @param requests         requests this client sent to it
 */
public record NodeStats(
        URI url,
        String breaker,
        int concurrencyLimit,
        int inFlight,
        int limitDecreases,
        long breakerOpened,
        long requests) {
    static NodeStats of(Node n) {
        int s = n.breaker().state();
        return new NodeStats(
                n.url(),
                s == Breaker.CLOSED ? "closed" : s == Breaker.OPEN ? "open" : "half_open",
                n.limit().limit(),
                n.limit().inFlight(),
                n.limit().decreases(),
                n.breaker().opened(),
                n.requests());
    }
}
