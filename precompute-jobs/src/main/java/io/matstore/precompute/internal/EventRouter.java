package io.matstore.precompute.internal;

import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewCounters;
import org.apache.kafka.common.header.Headers;
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
 */
public final class EventRouter<E> implements Processor<byte[], byte[], byte[], Routed> {
    private static final Logger LOG = LoggerFactory.getLogger(EventRouter.class);

    private final View<E, ?> view;
    private final ViewCounters counters;
    private ProcessorContext<byte[], Routed> context;
    private View.StoreLookup stores;

    public EventRouter(View<E, ?> view, ViewCounters counters) {
        this.view = view;
        this.counters = counters;
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
            context.forward(record.withKey(partitionKey).withValue(new Routed(Routed.Route.ENTITY, record.value())));
        }
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
