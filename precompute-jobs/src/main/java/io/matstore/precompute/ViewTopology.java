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
 *  source topics ─► validate ─┬─ invalid ─────────────────────────────────────────────► dead-letter topic
 *                             ├─ entity event on its key's partition ───────────────┐
 *                             ├─ entity event elsewhere ─► repartition by partitionKey ┤
 *                             └─ dimension ────► repartition to EVERY partition ────┴─► view task ─► view topic
 *                                                          (an event over a fan-out limit) ─┴─► dead-letter topic
 * </pre>
 *
 * One sub-topology: task {@code i} reads partition {@code i} of the source topics and of both repartition topics,
 * which have as many partitions as the source ({@code entityPartitions}). It sees the entities of partition {@code
 * i} and a full copy of every dimension event. Each task keeps its own copy of dimension state and fans a dimension
 * change out over its local entities only: the work of one FX change spreads over every partition, and scales with
 * partitions and instances. Per-key log order is kept: one entity's events of one source partition take one path to
 * one task ({@link EventRouter}), and a dimension event is re-published by the single task that read it, in its
 * order, to every partition.
 *
 * <p>Why entity events skip the hop when they can: under exactly-once a repartition topic is read read_committed, so
 * a hop costs a whole commit interval plus a fetch before the event is even applied, and its record a second
 * producer send and fetch. Publishers key entity events by their partition key (views/offers: product and stock
 * events by sku), so nearly all of them are already where the hop would put them. Dimension events still take their
 * hop (the broadcast); they may now be applied after entity events published after them, which a view's state
 * tolerates: each event replaces its own entity's or dimension's state, and a response is recomputed from the whole
 * state, so the end state does not depend on the order between an entity and a dimension.
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
     * The internal topics events of the view pass through between the source and the view task, in the order
     * entities (only those not keyed by their partition key), dimensions. Kafka Streams names them
     * {@code <application id>-<name given>-repartition}.
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

    /**
     * As {@link #build(StreamsBuilder, View, String)}, with the given limits on what one event may write. Every entity
     * event takes the repartition hop: without the source's partition count the router cannot tell which are in place.
     */
    public static <E, C> ViewCounters build(
            StreamsBuilder builder, View<E, C> view, String deadLetterTopic, FanOutLimits limits) {
        return build(builder, view, deadLetterTopic, GlobalOpenTelemetry::get, limits, 0);
    }

    /**
     * As {@link #build(StreamsBuilder, View, String, FanOutLimits)}, for source topics of {@code entityPartitions}
     * partitions (the largest, if they differ): entity events already on their key's partition skip the hop.
     */
    public static <E, C> ViewCounters build(
            StreamsBuilder builder,
            View<E, C> view,
            String deadLetterTopic,
            FanOutLimits limits,
            int entityPartitions) {
        return build(builder, view, deadLetterTopic, GlobalOpenTelemetry::get, limits, entityPartitions);
    }

    /**
     * As {@link #build(StreamsBuilder, View, String)}, recording the spans of traced events with
     * {@code openTelemetry} (tests pass an SDK; {@link OpenTelemetry#noop()} passes the context on only).
     */
    public static <E, C> ViewCounters build(
            StreamsBuilder builder, View<E, C> view, String deadLetterTopic, OpenTelemetry openTelemetry) {
        return build(builder, view, deadLetterTopic, () -> openTelemetry, FanOutLimits.DEFAULTS, 0);
    }

    /** As {@link #build(StreamsBuilder, View, String, OpenTelemetry)}, with the given limits. */
    public static <E, C> ViewCounters build(
            StreamsBuilder builder,
            View<E, C> view,
            String deadLetterTopic,
            OpenTelemetry openTelemetry,
            FanOutLimits limits) {
        return build(builder, view, deadLetterTopic, () -> openTelemetry, limits, 0);
    }

    /** As {@link #build(StreamsBuilder, View, String, OpenTelemetry, FanOutLimits)}, for a known partition count. */
    public static <E, C> ViewCounters build(
            StreamsBuilder builder,
            View<E, C> view,
            String deadLetterTopic,
            OpenTelemetry openTelemetry,
            FanOutLimits limits,
            int entityPartitions) {
        return build(builder, view, deadLetterTopic, () -> openTelemetry, limits, entityPartitions);
    }

    private static <E, C> ViewCounters build(
            StreamsBuilder builder,
            View<E, C> view,
            String deadLetterTopic,
            Supplier<OpenTelemetry> openTelemetry,
            FanOutLimits limits,
            int entityPartitions) {
        ViewCounters counters = new ViewCounters();
        String name = view.descriptor().name();

        String[] validationStores =
                view.validationStores().stream().map(StoreBuilder::name).toArray(String[]::new);
        view.validationStores().forEach(builder::addStateStore);
        KStream<byte[], Routed> routed = builder.stream(
                        view.sourceTopics(),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .process(
                        () -> new EventRouter<>(view, counters, entityPartitions),
                        Named.as(name + "-validate"),
                        validationStores);

        Map<String, KStream<byte[], Routed>> routes = routed.split(Named.as(name + "-"))
                .branch((k, r) -> r.route() == Routed.Route.DEAD_LETTER, Branched.as("dead-letter"))
                .branch((k, r) -> r.route() == Routed.Route.ENTITY, Branched.as("entity"))
                .branch((k, r) -> r.route() == Routed.Route.MISPLACED_ENTITY, Branched.as("misplaced-entity"))
                .defaultBranch(Branched.as("dimension"));

        routes.get(name + "-dead-letter")
                .mapValues(Routed::value, Named.as(name + "-dead-letter-value"))
                .to(
                        deadLetterTopic,
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-dead-letter-sink"));

        KStream<byte[], byte[]> inPlace =
                routes.get(name + "-entity").mapValues(Routed::value, Named.as(name + "-entity-value"));

        KStream<byte[], byte[]> rehomed = routes.get(name + "-misplaced-entity")
                .mapValues(Routed::value, Named.as(name + "-misplaced-entity-value"))
                .repartition(repartitioned(name + ENTITIES, entityPartitions));

        KStream<byte[], byte[]> dimensions = routes.get(name + "-dimension")
                .mapValues(Routed::value, Named.as(name + "-dimension-value"))
                .repartition(repartitioned(name + DIMENSIONS, entityPartitions)
                        .withStreamPartitioner(new BroadcastPartitioner()));

        String viewTopic = view.descriptor().topic();
        // One sink for both outputs of the compute step: what it dead-letters (a fan-out limit) is marked by header.
        TopicNameExtractor<byte[], byte[]> topic =
                (key, value, record) -> ViewTaskProcessor.isDeadLetter(record.headers()) ? deadLetterTopic : viewTopic;
        // Without the count nothing is routed in place, and the source stays out of the view task's sub-topology.
        KStream<byte[], byte[]> entities =
                entityPartitions > 0 ? rehomed.merge(inPlace, Named.as(name + "-merge-entities")) : rehomed;
        entities.merge(dimensions, Named.as(name + "-merge"))
                .process(
                        new ViewTaskProcessor.Supplier<>(view, counters, limits, openTelemetry),
                        Named.as(name + "-compute"))
                .to(topic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-view-sink"));
        return counters;
    }

    // With the count known it is set, not derived: the repartition topics are read by the sub-topology that writes
    // them, and a task reads partition i of every input, so each must have exactly the source's partitions.
    private static Repartitioned<byte[], byte[]> repartitioned(String name, int partitions) {
        Repartitioned<byte[], byte[]> r =
                Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name);
        return partitions > 0 ? r.withNumberOfPartitions(partitions) : r;
    }
}
