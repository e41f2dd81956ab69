package io.matstore.precompute.internal;

import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewCounters;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates every source record once, before it is fanned out, and routes it: invalid to the dead-letter branch
 * (with reason, topic, partition and offset headers), entity events re-keyed by their partition key, dimension
 * events to the broadcast. Validating here means a rejected dimension event is dead-lettered once, not once per
 * partition.
 *
 * <p>An entity event that already sits on the partition its partition key hashes to (Kafka's default partitioner,
 * murmur2, over {@code entityPartitions}) goes straight to the view task of this partition ({@link Routed.Route#ENTITY});
 * any other ({@link Routed.Route#MISPLACED_ENTITY}: keyed by something else, or by nothing) takes the repartition hop
 * to that partition, as every entity event did before. Both paths end at the same task, so an entity's state stays in
 * one place; and all entity events of one source partition for one key take the same path, so their log order is
 * kept (the order between different source partitions was never defined). With {@code entityPartitions} 0 (not
 * known) every entity event takes the hop.
 */
public final class EventRouter<E> implements Processor<byte[], byte[], byte[], Routed> {
    private static final Logger LOG = LoggerFactory.getLogger(EventRouter.class);

    private final View<E, ?> view;
    private final ViewCounters counters;
    private final int entityPartitions;
    private ProcessorContext<byte[], Routed> context;
    private View.StoreLookup stores;

    /** @param entityPartitions partitions of the topic entity events are keyed into (the tasks'), 0 if unknown */
    public EventRouter(View<E, ?> view, ViewCounters counters, int entityPartitions) {
        this.view = view;
        this.counters = counters;
        this.entityPartitions = entityPartitions;
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        this.context = context;
        this.stores = context::getStateStore;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        E event;
        try {
            if (record.value() == null) {
                throw new InvalidEventException("value is null (a tombstone is not an event)");
            }
            event = view.decode(record.value());
        } catch (InvalidEventException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        String held = view.holdChange(event, stores);
        if (held != null) {
            counters.onHeld();
            deadLetter(record, held);
            return;
        }
        byte[] partitionKey = view.partitionKey(event);
        if (partitionKey == null) {
            context.forward(record.withValue(new Routed(Routed.Route.DIMENSION, record.value())));
        } else {
            Routed.Route route = isInPlace(partitionKey) ? Routed.Route.ENTITY : Routed.Route.MISPLACED_ENTITY;
            context.forward(record.withKey(partitionKey).withValue(new Routed(route, record.value())));
        }
    }

    private boolean isInPlace(byte[] partitionKey) {
        if (entityPartitions <= 0) {
            return false;
        }
        RecordMetadata source = context.recordMetadata().orElse(null);
        return source != null && source.partition() == Utils.toPositive(Utils.murmur2(partitionKey)) % entityPartitions;
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        Headers headers = DeadLetterHeaders.of(record.headers(), reason, source);
        counters.onDeadLettered();
        LOG.warn(
                "view {}: dead-lettered {}-{}@{}: {}",
                view.descriptor(),
                source == null ? "" : source.topic(),
                source == null ? "" : source.partition(),
                source == null ? "" : source.offset(),
                reason);
        context.forward(new Record<>(
                record.key(), new Routed(Routed.Route.DEAD_LETTER, record.value()), record.timestamp(), headers));
    }
}
