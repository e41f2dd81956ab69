package io.matstore.serving.internal;

import io.matstore.serving.ViewSettings;
import io.matstore.store.ViewStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The node's meters, in Prometheus text format at /metrics. Every meter the hot path touches is resolved up front
 * (per view, per status) so recording is an array index and an add: no tag lists, no lookups per request.
 *
 * <p>The registry is also the store's when the store was opened with it ({@code ResponseStores.open(config,
 * registry)}): freshness, ingest health, RocksDB and Kafka consumer meters per view version then appear here too.
 */
public final class ServingMetrics implements AutoCloseable {
    /** Statuses the node answers with; anything else is counted as 500. */
    static final int[] STATUSES = {200, 304, 400, 404, 405, 406, 408, 413, 414, 431, 500, 503, 421};
    /** View tag of requests that name no served view (health, metrics, unknown paths). */
    public static final String NO_VIEW = "_none";

    private final PrometheusMeterRegistry registry;
    private final Map<String, LagGauge> lagGauges = new ConcurrentHashMap<>();
    private final Map<String, double[]> hitRatios = new ConcurrentHashMap<>();
    private final Counter shed;
    private final ViewMeters noView;
    private JvmGcMetrics gc;

    /** Lag of one partition of one held version; {@code version} is {@code view NUL version}. */
    private record LagGauge(String version, AtomicLong value, Gauge gauge) {}

    public ServingMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public ServingMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        shed = Counter.builder("matstore_shed_requests")
                .description("Requests rejected by load shedding")
                .register(registry);
        noView = new ViewMeters(NO_VIEW);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * JVM and process meters: memory pools and buffers, GC pauses and promotion, threads, class loading, CPU and
     * load, uptime. The GC binder listens to GC notifications until {@link #close}.
     */
    public synchronized void bindJvmAndProcess() {
        if (gc != null) {
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    /** {@code matstore_ready}: 1 while /readyz would answer 200, else 0. */
    public void bindReadiness(BooleanSupplier ready) {
        Gauge.builder("matstore_ready", ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 when /readyz answers 200 (every served view has a fresh current version), else 0")
                .strongReference(true)
                .register(registry);
    }

    /** Stops the GC binder's notification listening. The registry keeps its meters (a scrape still answers). */
    @Override
    public synchronized void close() {
        if (gc != null) {
            gc.close();
            gc = null;
        }
    }

    /** Meters of one view, resolved once. */
    public final class ViewMeters {
        private final Timer[] byStatus = new Timer[STATUSES.length];
        final Counter staleAnswers;
        final Counter readErrors;
        final Counter fallbackAnswers;
        final Counter misdirected;

        ViewMeters(String view) {
            for (int i = 0; i < STATUSES.length; i++) {
                byStatus[i] = Timer.builder("matstore_http_requests")
                        .description("HTTP requests by view and status, with latency")
                        .tag("view", view)
                        .tag("status", Integer.toString(STATUSES[i]))
                        .publishPercentileHistogram()
                        .minimumExpectedValue(java.time.Duration.ofNanos(10_000))
                        .maximumExpectedValue(java.time.Duration.ofSeconds(10))
                        .register(registry);
            }
            staleAnswers = Counter.builder("matstore_stale_answers")
                    .description("Answers marked stale")
                    .tag("view", view)
                    .register(registry);
            readErrors = Counter.builder("matstore_store_read_errors")
                    .description("Store reads that threw")
                    .tag("view", view)
                    .register(registry);
            fallbackAnswers = Counter.builder("matstore_fallback_answers")
                    .description("Answers from another held version after a read error")
                    .tag("view", view)
                    .register(registry);
            misdirected = Counter.builder("matstore_misdirected_lookups")
                    .description("Lookups (GETs and batch items) answered 421 wrong_cell: partition not held here")
                    .tag("view", view)
                    .register(registry);
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

        public void onMisdirected() {
            misdirected.increment();
        }
    }

    public ViewMeters forView(String view) {
        hitRatios.computeIfAbsent(view, v -> {
            double[] ratio = new double[1];
            Gauge.builder("matstore_near_cache_hit_ratio", ratio, r -> r[0])
                    .description("Near-cache hits / lookups of the current version since start")
                    .tag("view", v)
                    .strongReference(true)
                    .register(registry);
            return ratio;
        });
        return new ViewMeters(view);
    }

    /**
     * A served view's meters, plus its freshness objective as {@code matstore_freshness_objective_seconds}: the
     * line a dashboard draws over {@code matstore_freshness_seconds}, and the lag beyond which answers are stale.
     */
    public ViewMeters forView(ViewSettings settings) {
        double objectiveSeconds = settings.freshnessObjectiveMillis() / 1000.0;
        Gauge.builder("matstore_freshness_objective_seconds", () -> objectiveSeconds)
                .description("Configured freshness objective of the view: older answers are marked stale")
                .tag("view", settings.view())
                .strongReference(true)
                .register(registry);
        return forView(settings.view());
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
        String version = versionId(s);
        for (ViewStatus.PartitionStatus p : s.partitions()) {
            String id = version + '\u0000' + p.partition();
            LagGauge lag = lagGauges.computeIfAbsent(id, k -> {
                AtomicLong g = new AtomicLong();
                Gauge gauge = Gauge.builder("matstore_ingest_lag_records", g, AtomicLong::get)
                        .description("Records behind the view topic's log end, per partition")
                        .tag("view", s.view())
                        .tag("version", Integer.toString(s.version()))
                        .tag("partition", Integer.toString(p.partition()))
                        .strongReference(true)
                        .register(registry);
                return new LagGauge(version, g, gauge);
            });
            lag.value().set(p.lag());
        }
    }

    /**
     * Removes the lag gauges of versions the store no longer holds (dropped after a swap) and of partitions a held
     * version no longer holds (moved to another cell).
     */
    void retainVersions(Collection<ViewStatus> held) {
        Set<String> keep = new HashSet<>();
        for (ViewStatus s : held) {
            String version = versionId(s);
            for (ViewStatus.PartitionStatus p : s.partitions()) {
                keep.add(version + '\u0000' + p.partition());
            }
        }
        lagGauges.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue().gauge());
            return true;
        });
    }

    private static String versionId(ViewStatus s) {
        return s.view() + '\u0000' + s.version();
    }

    public String scrape() {
        return registry.scrape();
    }

    static int statusIndex(int status) {
        switch (status) {
            case 200:
                return 0;
            case 304:
                return 1;
            case 400:
                return 2;
            case 404:
                return 3;
            case 405:
                return 4;
            case 406:
                return 5;
            case 408:
                return 6;
            case 413:
                return 7;
            case 414:
                return 8;
            case 431:
                return 9;
            case 503:
                return 11;
            case 421:
                return 12;
            default:
                return 10;
        }
    }
}
