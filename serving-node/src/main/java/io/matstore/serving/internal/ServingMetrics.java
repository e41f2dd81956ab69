package io.matstore.serving.internal;

import io.matstore.store.ViewStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's meters, in Prometheus text format at /metrics. Every meter the hot path touches is resolved up front
 * (per view, per status) so recording is an array index and an add: no tag lists, no lookups per request.
 */
public final class ServingMetrics {
    /** Statuses the node answers with; anything else is counted as 500. */
    static final int[] STATUSES = {200, 304, 400, 404, 405, 406, 408, 413, 414, 431, 500, 503};
    /** View tag of requests that name no served view (health, metrics, unknown paths). */
    public static final String NO_VIEW = "_none";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> lagGauges = new ConcurrentHashMap<>();
    private final Map<String, double[]> hitRatios = new ConcurrentHashMap<>();
    private final Counter shed;
    private final ViewMeters noView;

    public ServingMetrics() {
        shed = Counter.builder("matstore_shed_requests").description("Requests rejected by load shedding")
                .register(registry);
        noView = new ViewMeters(NO_VIEW);
    }

    /** Meters of one view, resolved once. */
    public final class ViewMeters {
        private final Timer[] byStatus = new Timer[STATUSES.length];
        final Counter staleAnswers;
        final Counter readErrors;
        final Counter fallbackAnswers;

        ViewMeters(String view) {
            for (int i = 0; i < STATUSES.length; i++) {
                byStatus[i] = Timer.builder("matstore_http_requests")
                        .description("HTTP requests by view and status, with latency")
                        .tag("view", view).tag("status", Integer.toString(STATUSES[i]))
                        .publishPercentileHistogram()
                        .minimumExpectedValue(java.time.Duration.ofNanos(10_000))
                        .maximumExpectedValue(java.time.Duration.ofSeconds(10))
                        .register(registry);
            }
            staleAnswers = Counter.builder("matstore_stale_answers").description("Answers marked stale")
                    .tag("view", view).register(registry);
            readErrors = Counter.builder("matstore_store_read_errors").description("Store reads that threw")
                    .tag("view", view).register(registry);
            fallbackAnswers = Counter.builder("matstore_fallback_answers")
                    .description("Answers from another held version after a read error")
                    .tag("view", view).register(registry);
        }

        public void record(int status, long nanos) {
            byStatus[statusIndex(status)].record(nanos, TimeUnit.NANOSECONDS);
        }

        public void onStale() {
            staleAnswers.increment();
        }

        public void onReadError() {
            readErrors.increment();
        }

        public void onFallback() {
            fallbackAnswers.increment();
        }
    }

    public ViewMeters forView(String view) {
        double[] ratio = new double[1];
        hitRatios.put(view, ratio);
        Gauge.builder("matstore_near_cache_hit_ratio", ratio, r -> r[0])
                .description("Near-cache hits / lookups of the current version since start").tag("view", view)
                .register(registry);
        return new ViewMeters(view);
    }

    public ViewMeters noView() {
        return noView;
    }

    public void onShed() {
        shed.increment();
    }

    /** Folds a store status snapshot into gauges. Called by the status refresh, off the hot path. */
    void onStatus(ViewStatus s) {
        if (s.current()) {
            double[] ratio = hitRatios.get(s.view());
            if (ratio != null) {
                ratio[0] = s.nearCacheHitRatio();
            }
        }
        for (ViewStatus.PartitionStatus p : s.partitions()) {
            String id = s.view() + '\u0000' + s.version() + '\u0000' + p.partition();
            AtomicLong lag = lagGauges.computeIfAbsent(id, k -> {
                AtomicLong g = new AtomicLong();
                Gauge.builder("matstore_ingest_lag_records", g, AtomicLong::get)
                        .description("Records behind the view topic's log end, per partition")
                        .tag("view", s.view()).tag("version", Integer.toString(s.version()))
                        .tag("partition", Integer.toString(p.partition()))
                        .register(registry);
                return g;
            });
            lag.set(p.lag());
        }
    }

    public String scrape() {
        return registry.scrape();
    }

    static int statusIndex(int status) {
        switch (status) {
            case 200: return 0;
            case 304: return 1;
            case 400: return 2;
            case 404: return 3;
            case 405: return 4;
            case 406: return 5;
            case 408: return 6;
            case 413: return 7;
            case 414: return 8;
            case 431: return 9;
            case 503: return 11;
            default: return 10;
        }
    }
}
