package io.matstore.serving.internal;

import io.matstore.serving.ServingConfig;
import io.matstore.store.ResponseStore;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What every connection of a node shares: the store, the served views, the meters, the shedder and the status
 * snapshot. Immutable references; the mutable parts are thread-safe themselves.
 *
 * @param routes     served views, in configuration order (few: looked up by a linear scan, no map hashing)
 * @param cluster    the routing table /v1/cluster serves
 * @param clockMillis wall clock for Age
 * @param tracing     GET lookups' tracing, or null when off ({@code serving.tracing.enabled}, and an SDK)
 */
public record NodeContext(
        ResponseStore store,
        ServingConfig config,
        ViewRoute[] routes,
        ServingMetrics metrics,
        LoadShedder shedder,
        StatusMonitor monitor,
        ClusterRefresher cluster,
        LongSupplier clockMillis,
        RequestTracing tracing) {

    public NodeContext {
        routes = routes.clone();
    }

    public List<ViewRoute> routeList() {
        return List.of(routes);
    }

    /** The route whose name is {@code s[from, to)}, or null. */
    ViewRoute route(String s, int from, int to) {
        for (ViewRoute r : routes) {
            String name = r.name();
            if (name.length() == to - from && s.regionMatches(from, name, 0, name.length())) {
                return r;
            }
        }
        return null;
    }
}
