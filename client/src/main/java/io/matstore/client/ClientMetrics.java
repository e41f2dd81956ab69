package io.matstore.client;

import io.matstore.client.internal.Guards;
import io.matstore.client.internal.Node;
import io.matstore.client.internal.Nodes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The client's meters in the application's Micrometer registry (docs/client.md "Metrics"). Loaded only when the
 * builder was given a registry, so micrometer-core stays an optional dependency. Counters are read from the client's
 * own {@code LongAdder}s and atomics when the registry is scraped; only the per-node answer timer is recorded on the
 * request path (Micrometer's timers record without allocating).
 */
final class ClientMetrics {
    private ClientMetrics() {}

    static void bind(Object registryObject, Guards g, Nodes nodes, LookupCache cache) {
        MeterRegistry registry = (MeterRegistry) registryObject;
        counter(registry, "matstore_client_lookups", "lookups started", g, x -> x.calls.sum());
        counter(
                registry,
                "matstore_client_retries",
                "requests sent again to another replica",
                g,
                x -> x.retriesSent.sum());
        counter(
                registry,
                "matstore_client_retry_budget_exhausted",
                "retries not sent: no budget token",
                g,
                x -> x.retries.exhausted());
        counter(registry, "matstore_client_hedges", "hedged requests sent", g, x -> x.hedgesSent.sum());
        counter(registry, "matstore_client_hedges_won", "hedged requests answered first", g, x -> x.hedgesWon.sum());
        counter(
                registry,
                "matstore_client_hedge_budget_exhausted",
                "hedges not sent: no budget token",
                g,
                x -> x.hedges.exhausted());
        counter(
                registry,
                "matstore_client_circuit_open_failures",
                "lookups failed at once: every replica open",
                g,
                x -> x.circuitOpenFailures.sum());
        counter(
                registry,
                "matstore_client_limited_failures",
                "lookups failed at once: every replica at its limit",
                g,
                x -> x.limitFailures.sum());
        counter(
                registry,
                "matstore_client_deadline_failures",
                "lookups failed for their deadline",
                g,
                x -> x.deadlineFailures.sum());
        if (cache != null) {
            FunctionCounter.builder("matstore_client_cache_hits", cache, c -> c.hits.sum())
                    .description("lookups answered from the cache within max-age")
                    .register(registry);
            FunctionCounter.builder(
                            "matstore_client_cache_stale_while_revalidate", cache, c -> c.staleWhileRevalidate.sum())
                    .description("answered from the cache, revalidated behind")
                    .register(registry);
            FunctionCounter.builder("matstore_client_cache_stale_if_error", cache, c -> c.staleIfError.sum())
                    .description("failed lookups answered stale from the cache")
                    .register(registry);
            Gauge.builder("matstore_client_cache_entries", cache, LookupCache::size)
                    .register(registry);
        }
        nodes.onNewNode(n -> bindNode(registry, n));
    }

    private static void bindNode(MeterRegistry registry, Node n) {
        Tags tags = Tags.of("node", n.base());
        FunctionCounter.builder("matstore_client_node_requests", n, Node::requests)
                .description("requests sent to the node")
                .tags(tags)
                .register(registry);
        Gauge.builder("matstore_client_node_breaker_state", n, x -> x.breaker().state())
                .description("0 closed, 1 open, 2 half-open")
                .tags(tags)
                .register(registry);
        Gauge.builder("matstore_client_node_breaker_opened", n, x -> x.breaker().opened())
                .description("times the breaker opened")
                .tags(tags)
                .register(registry);
        Gauge.builder(
                        "matstore_client_node_concurrency_limit",
                        n,
                        x -> x.limit().limit())
                .description("adaptive limit of lookups in flight")
                .tags(tags)
                .register(registry);
        Gauge.builder("matstore_client_node_in_flight", n, Node::outstanding)
                .description("lookups in flight")
                .tags(tags)
                .register(registry);
        Timer timer = Timer.builder("matstore_client_node_latency")
                .description("time to a 200 answer")
                .tags(tags)
                .register(registry);
        n.answerTimer(nanos -> timer.record(nanos, TimeUnit.NANOSECONDS));
    }

    private static void counter(
            MeterRegistry r, String name, String description, Guards g, ToDoubleFunction<Guards> f) {
        FunctionCounter.builder(name, g, f).description(description).register(r);
    }
}
