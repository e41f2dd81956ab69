package io.matstore.precompute;

import io.matstore.precompute.internal.BroadcastPartitioner;
import io.matstore.precompute.internal.EventRouter;
import io.matstore.precompute.internal.Routed;
import io.matstore.precompute.internal.ViewTaskProcessor;
import io.matstore.schemas.ViewDescriptor;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds the Kafka Streams topology that runs a view. A pure function of its arguments: {@code run} and the
 * TopologyTestDriver tests call the same method.
 *
 * <pre>
 *  source topics ─► validate ─┬─ invalid ──────────────────────────────────────────► dead-letter topic
 *                             ├─ entity event ─► repartition by partitionKey ─┐
 *                             └─ dimension ────► repartition to EVERY partition ┴─► view task ─► view topic
 *                                                        (an event over a fan-out limit) ─┴─► dead-letter topic
 * </pre>
 *
 * Both repartition topics have the same number of partitions, so task {@code i} sees the entities of partition
 * {@code i} and a full copy of every dimension event. Each task keeps its own copy of dimension state and fans a
 * dimension change out over its local entities only: the work of one FX change spreads over every partition, and
 * scales with partitions and instances. Per-key log order is kept: one entity's events stay on one partition, and a
 * dimension event is re-published by the single task that read it, in its order, to every partition.
 *
 * <p>Record headers travel with each event through both repartition topics, so a source event's W3C trace context
 * reaches the view task, which processes it in a {@code compute <view>} span and puts that span's context on every
 * record it emits (header {@code traceparent}, envelope field {@code trace_parent}).
 */
public final class ViewTopology {
    private static final String ENTITIES = "-entities";
    private static final String DIMENSIONS = "-dimensions";

    private ViewTopology() {}

    /** The Kafka Streams application id of a view: one consumer group and one set of internal topics per version. */
    public static String applicationId(ViewDescriptor view) {
        return "matstore-view-" + view.name() + "-v" + view.version();
    }

    /**
     * The internal topics every event of the view passes through between the source and the view task, in the order
     * entities, dimensions. Kafka Streams names them {@code <application id>-<name given>-repartition}.
     */
    public static List<String> repartitionTopics(ViewDescriptor view) {
        String prefix = applicationId(view) + "-" + view.name();
        return List.of(prefix + ENTITIES + "-repartition", prefix + DIMENSIONS + "-repartition");
    }

    /**
     * Adds the view's topology to {@code builder}. Traced events (a W3C {@code traceparent} header) record their
     * spans through {@code GlobalOpenTelemetry}, asked at the first traced event only: the OpenTelemetry Java agent's,
     * or one an embedding application registered; without either the spans are no-ops and the context is passed on.
     *
     * @param deadLetterTopic where rejected events go
     * @return the counters the topology's tasks update
     */
    public static <E, C> ViewCounters build(StreamsBuilder builder, View<E, C> view, String deadLetterTopic) {
        return build(builder, view, deadLetterTopic, FanOutLimits.DEFAULTS);
    }

    /** As {@link #build(StreamsBuilder, View, String)}, with the given limits on what one event may write. */
    public static <E, C> ViewCounters build(
            StreamsBuilder builder, View<E, C> view, String deadLetterTopic, FanOutLimits limits) {
        return build(builder, view, deadLetterTopic, GlobalOpenTelemetry::get, limits);
    }

    /**
     * As {@link #build(StreamsBuilder, View, String)}, recording the spans of traced events with
     * {@code openTelemetry} (tests pass an SDK; {@link OpenTelemetry#noop()} passes the context on only).
     */
    public static <E, C> ViewCounters build(
            StreamsBuilder builder, View<E, C> view, String deadLetterTopic, OpenTelemetry openTelemetry) {
        return build(builder, view, deadLetterTopic, () -> openTelemetry, FanOutLimits.DEFAULTS);
    }

    /** As {@link #build(StreamsBuilder, View, String, OpenTelemetry)}, with the given limits. */
    public static <E, C> ViewCounters build(
            StreamsBuilder builder,
            View<E, C> view,
            String deadLetterTopic,
            OpenTelemetry openTelemetry,
            FanOutLimits limits) {
        return build(builder, view, deadLetterTopic, () -> openTelemetry, limits);
    }

    private static <E, C> ViewCounters build(
            StreamsBuilder builder,
            View<E, C> view,
            String deadLetterTopic,
            Supplier<OpenTelemetry> openTelemetry,
            FanOutLimits limits) {
        ViewCounters counters = new ViewCounters();
        String name = view.descriptor().name();

        String[] validationStores =
                view.validationStores().stream().map(StoreBuilder::name).toArray(String[]::new);
        view.validationStores().forEach(builder::addStateStore);
        KStream<byte[], Routed> routed = builder.stream(
                        view.sourceTopics(),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .process(() -> new EventRouter<>(view, counters), Named.as(name + "-validate"), validationStores);

        Map<String, KStream<byte[], Routed>> routes = routed.split(Named.as(name + "-"))
                .branch((k, r) -> r.route() == Routed.Route.DEAD_LETTER, Branched.as("dead-letter"))
                .branch((k, r) -> r.route() == Routed.Route.ENTITY, Branched.as("entity"))
                .defaultBranch(Branched.as("dimension"));

        routes.get(name + "-dead-letter")
                .mapValues(Routed::value, Named.as(name + "-dead-letter-value"))
                .to(
                        deadLetterTopic,
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-dead-letter-sink"));

        KStream<byte[], byte[]> entities = routes.get(name + "-entity")
                .mapValues(Routed::value, Named.as(name + "-entity-value"))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName(name + ENTITIES));

        KStream<byte[], byte[]> dimensions = routes.get(name + "-dimension")
                .mapValues(Routed::value, Named.as(name + "-dimension-value"))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withStreamPartitioner(new BroadcastPartitioner())
                        .withName(name + DIMENSIONS));

        String viewTopic = view.descriptor().topic();
        // One sink for both outputs of the compute step: what it dead-letters (a fan-out limit) is marked by header.
        TopicNameExtractor<byte[], byte[]> topic =
                (key, value, record) -> ViewTaskProcessor.isDeadLetter(record.headers()) ? deadLetterTopic : viewTopic;
        entities.merge(dimensions, Named.as(name + "-merge"))
                .process(
                        new ViewTaskProcessor.Supplier<>(view, counters, limits, openTelemetry),
                        Named.as(name + "-compute"))
                .to(topic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-view-sink"));
        return counters;
    }
}
