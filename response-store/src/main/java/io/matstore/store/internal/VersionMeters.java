package io.matstore.store.internal;

import io.matstore.schemas.ViewDescriptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.rocksdb.TickerType;

/**
 * The meters of one view version, tagged {@code view} and {@code version}: registered when the version opens,
 * removed when it closes or is dropped, so a retired version leaves nothing on /metrics. {@link #NONE} (a store
 * opened without a registry) records nothing and asks RocksDB for no statistics.
 *
 * <p>Everything recorded per record is resolved here, once per version: the ingest thread's per-record work is one
 * {@link Timer#record} on a pre-built timer, no tags, no lookups. Gauges that read RocksDB go through
 * {@link RocksViewDb}'s guard and read NaN once it is closed, for a scrape that races a drop.
 */
final class VersionMeters {
    /** No registry: nothing registered, nothing recorded. */
    static final VersionMeters NONE = new VersionMeters();

    /**
     * Bucket bounds of the freshness histogram: a millisecond (an idle pipeline) to an hour (a job down), dense
     * around the usual objectives (seconds to a minute) so a dashboard can read "share within objective" from one
     * bucket.
     */
    private static final Duration[] FRESHNESS_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
        Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1)
    };

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer freshness;
    private final Counter ingestErrors;
    private final Counter nearCacheReadErrors;
    private final List<Meter> registered = new ArrayList<>();

    private VersionMeters() {
        registry = null;
        tags = Tags.empty();
        freshness = null;
        ingestErrors = null;
        nearCacheReadErrors = null;
    }

    VersionMeters(MeterRegistry registry, ViewDescriptor view) {
        this.registry = registry;
        this.tags = Tags.of("view", view.name(), "version", Integer.toString(view.version()));
        freshness = keep(Timer.builder("matstore_freshness")
                .description("Event-to-servable time: from a view record's Kafka timestamp (the source event's, "
                        + "carried over by Kafka Streams) to the commit of the batch that makes it readable")
                .tags(tags)
                .serviceLevelObjectives(FRESHNESS_BUCKETS)
                .register(registry));
        ingestErrors = keep(Counter.builder("matstore_ingest_errors")
                .description("Ingest failures, each followed by a retry from the stored offsets")
                .tags(tags)
                .register(registry));
        nearCacheReadErrors = keep(Counter.builder("matstore_near_cache_read_errors")
                .description("Near-cache reads that failed and were answered from the version's RocksDB")
                .tags(tags)
                .register(registry));
    }

    /** Whether meters are recorded (RocksDB statistics are worth collecting). */
    boolean enabled() {
        return registry != null;
    }

    /**
     * Records the freshness of every record of a batch that has just been committed (readers see it from now on).
     * Ingest thread, live ingest only. Allocation-free: an indexed loop, one pre-resolved timer.
     *
     * @param appliedAtMillis wall clock just after the batch's commit, the same clock as Kafka's timestamps
     */
    void onApplied(List<ConsumerRecord<byte[], byte[]>> records, long appliedAtMillis) {
        if (freshness == null) {
            return;
        }
        for (int i = 0, n = records.size(); i < n; i++) {
            long timestamp = records.get(i).timestamp();
            if (timestamp >= 0) { // NO_TIMESTAMP (-1): a record from a pre-0.10 producer carries none
                // A timestamp ahead of this clock (skew between machines) counts as 0, not as nothing.
                freshness.record(Math.max(0, appliedAtMillis - timestamp), TimeUnit.MILLISECONDS);
            }
        }
    }

    void onIngestFailure() {
        if (ingestErrors != null) {
            ingestErrors.increment();
        }
    }

    void onNearCacheReadError() {
        if (nearCacheReadErrors != null) {
            nearCacheReadErrors.increment();
        }
    }

    /** 1 while ingest is paused because the disk is (nearly) full, else 0. */
    void bindDiskPause(BooleanSupplier paused) {
        if (registry == null) {
            return;
        }
        keep(Gauge.builder("matstore_ingest_paused_disk_full", paused, p -> p.getAsBoolean() ? 1 : 0)
                .description("1 while the version's ingest is paused because its file system has less usable space"
                        + " than store.disk.min.free.bytes; it resumes by itself")
                .tags(tags)
                .strongReference(true)
                .register(registry));
    }

    /** 1 while reads use the near-cache, 0 once a failure turned it off (until restart). */
    void bindNearCache(BooleanSupplier usable) {
        if (registry == null) {
            return;
        }
        keep(Gauge.builder("matstore_near_cache_usable", usable, u -> u.getAsBoolean() ? 1 : 0)
                .description(
                        "1 while reads use the near-cache; 0 while it opens at start (RocksDB answers) or once a failure"
                                + " turned it off until restart")
                .tags(tags)
                .strongReference(true)
                .register(registry));
    }

    /** 1 while ingest is failing (between a failure and the next successful poll), else 0. */
    void bindIngest(BooleanSupplier failing) {
        if (registry == null) {
            return;
        }
        keep(Gauge.builder("matstore_ingest_failing", failing, f -> f.getAsBoolean() ? 1 : 0)
                .description("1 while the version's ingest is failing and retrying, else 0")
                .tags(tags)
                .strongReference(true)
                .register(registry));
    }

    /** RocksDB's tickers and properties, read through the database's guard. */
    void bindRocks(RocksViewDb rocks) {
        if (registry == null) {
            return;
        }
        keep(FunctionCounter.builder(
                        "matstore_rocksdb_block_cache_hits", rocks, r -> r.ticker(TickerType.BLOCK_CACHE_HIT))
                .description("RocksDB block cache hits (index, filter and data blocks) since the version opened")
                .tags(tags)
                .register(registry));
        keep(FunctionCounter.builder(
                        "matstore_rocksdb_block_cache_misses", rocks, r -> r.ticker(TickerType.BLOCK_CACHE_MISS))
                .description("RocksDB block cache misses (reads from SST files) since the version opened")
                .tags(tags)
                .register(registry));
        keep(FunctionCounter.builder(
                        "matstore_rocksdb_write_stall_seconds", rocks, r -> r.ticker(TickerType.STALL_MICROS) / 1e6)
                .description("Time RocksDB held writes (the ingest thread) back to let compaction catch up")
                .tags(tags)
                .register(registry));
        keep(Gauge.builder(
                        "matstore_rocksdb_write_stopped", rocks, r -> r.longProperty("rocksdb.is-write-stopped", false))
                .description("1 while RocksDB stops writes entirely (too many L0 files or pending compaction)")
                .tags(tags)
                .strongReference(true)
                .register(registry));
        keep(Gauge.builder(
                        "matstore_rocksdb_pending_compaction_bytes",
                        rocks,
                        r -> r.longProperty("rocksdb.estimate-pending-compaction-bytes", true))
                .description("Bytes RocksDB estimates compaction must rewrite to bring levels within their sizes")
                .tags(tags)
                .strongReference(true)
                .register(registry));
    }

    /**
     * Binds a fresh ingest consumer's client metrics ({@code kafka_consumer_*}); the caller closes the returned
     * handle with the consumer, which removes them. Each binder runs its own refresh thread: Micrometer does not
     * cancel the refresh of a binder given a shared scheduler when it closes, so a shared one would keep
     * re-registering the meters of closed consumers.
     */
    Binding bindConsumer(Consumer<?, ?> consumer) {
        if (registry == null) {
            return () -> {};
        }
        KafkaClientMetrics metrics = new KafkaClientMetrics(consumer, tags);
        metrics.bindTo(registry);
        return metrics::close;
    }

    /** Meters bound to something that goes away first; closing removes them. */
    interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /** Removes every meter of this version. */
    void close() {
        if (registry == null) {
            return;
        }
        synchronized (registered) {
            for (Meter m : registered) {
                registry.remove(m);
            }
            registered.clear();
        }
    }

    private <M extends Meter> M keep(M meter) {
        synchronized (registered) {
            registered.add(meter);
        }
        return meter;
    }
}
