package io.matstore.precompute.ops;

import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewRunner;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The meters of a precompute process, in one Prometheus registry: JVM and process meters, and for each bound view job
 * its Kafka Streams client metrics (Micrometer's {@link KafkaStreamsMetrics}, {@code kafka_stream_*}), its
 * {@link ViewCounters} as function counters (its pending fan-outs as a gauge) and whether its client is RUNNING, all
 * tagged {@code view} and {@code version}.
 *
 * <p>Nothing is recorded on the job's path: counters and gauges are read from the job when scraped. Kafka Streams
 * metrics that appear after binding (tasks assigned by a later rebalance) are picked up by the binder's own refresh,
 * once a minute. {@link #close()} closes the binders (the Kafka one stops its refresh thread) and the registry.
 */
public final class PrecomputeMetrics implements AutoCloseable {
    /** Tag names on every view meter. */
    public static final String VIEW_TAG = "view";

    public static final String VERSION_TAG = "version";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<KafkaStreamsMetrics> streamsBinders = new ArrayList<>();

    public PrecomputeMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Adds the meters of a started view job; they read it until {@link #close()}. */
    public synchronized void bind(ViewRunner.Running job) {
        Tags tags = Tags.of(
                VIEW_TAG,
                job.view().name(),
                VERSION_TAG,
                Integer.toString(job.view().version()));
        KafkaStreamsMetrics streams = new KafkaStreamsMetrics(job.streams(), tags);
        streams.bindTo(registry);
        streamsBinders.add(streams);
        ViewCounters counters = job.counters();
        counter(
                "matstore.precompute.events",
                "Valid events applied by the view's tasks (a dimension event once " + "per task)",
                tags,
                counters,
                ViewCounters::events);
        counter(
                "matstore.precompute.events.done",
                "Events whose affected combinations have all been offered",
                tags,
                counters,
                ViewCounters::eventsDone);
        counter(
                "matstore.precompute.emitted",
                "Responses written to the view topic",
                tags,
                counters,
                ViewCounters::emitted);
        counter(
                "matstore.precompute.unchanged",
                "Recomputations dropped because the response did not change",
                tags,
                counters,
                ViewCounters::unchanged);
        counter(
                "matstore.precompute.tombstones",
                "Tombstones written for combinations that left the space",
                tags,
                counters,
                ViewCounters::tombstones);
        counter(
                "matstore.precompute.dead.letters",
                "Source events written to the dead-letter topic",
                tags,
                counters,
                ViewCounters::deadLettered);
        counter(
                "matstore.precompute.held",
                "Valid events held back by the view's sanity limits (dead-lettered with"
                        + " the reason, e.g. an FX rate moving more than fx.max.change.factor, or tombstones over"
                        + " view.max.delete.share)",
                tags,
                counters,
                ViewCounters::held);
        counter(
                "matstore.precompute.responses.too.large",
                "Responses not written because they were larger than"
                        + " view.max.response.bytes (their events are dead-lettered with the size)",
                tags,
                counters,
                ViewCounters::tooLarge);
        counter(
                "matstore.precompute.fatal.errors",
                "Errors the job's exception handlers judged fatal (each stops a"
                        + " stream thread; the client then goes to ERROR)",
                tags,
                counters,
                ViewCounters::fatalErrors);
        Gauge.builder("matstore.precompute.fanouts.pending", counters, ViewCounters::fanOutsPending)
                .description("Tasks of this process with a chunked fan-out (view.offers.fx.fanout.chunk) still walking"
                        + " or not yet committed to its end; a replay is not caught up while it is above 0")
                .tags(tags)
                .strongReference(true)
                .register(registry);
        Gauge.builder("matstore.precompute.ready", job.streams(), s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while the view's Kafka Streams client is RUNNING, else 0")
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    private void counter(
            String name, String description, Tags tags, ViewCounters counters, ToLongFunction<ViewCounters> read) {
        FunctionCounter.builder(name, counters, c -> read.applyAsLong(c))
                .description(description)
                .tags(tags)
                .register(registry);
    }

    /** The registry, to add meters of other parts of the process. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public synchronized void close() {
        streamsBinders.forEach(KafkaStreamsMetrics::close);
        streamsBinders.clear();
        gc.close();
        registry.close();
    }
}
