package io.matstore.precompute.internal;

import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewLogic;
import io.matstore.precompute.ViewStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * One task of a view: applies each (already validated) event to the task's state through the view's logic and
 * emits every affected combination whose response changed.
 */
public final class ViewTaskProcessor<E, C> implements Processor<byte[], byte[], byte[], byte[]> {
    private final View<E, C> view;
    private final ViewCounters counters;
    private ViewLogic<E, C> logic;
    private ChangeEmitter emitter;

    private ViewTaskProcessor(View<E, C> view, ViewCounters counters) {
        this.view = view;
        this.counters = counters;
    }

    /** Name of the store that keeps the content hash of the last response emitted per canonical key. */
    public static String emittedHashesStore(View<?, ?> view) {
        return view.descriptor().name() + "-emitted-hashes";
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        KeyValueStore<Bytes, byte[]> hashes = context.getStateStore(emittedHashesStore(view));
        this.emitter = new ChangeEmitter(view.descriptor(), hashes, context, counters);
        this.logic = view.newLogic(context::getStateStore);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        E event;
        try {
            event = view.decode(record.value());
        } catch (InvalidEventException e) {
            // The router validated this record; failing to decode it now means the two disagree: a bug, not input.
            throw new IllegalStateException("event passed validation but does not decode: " + e.getMessage(), e);
        }
        counters.onEvent();
        emitter.startEvent(record.timestamp());
        logic.apply(event, combination -> emitter.offer(logic.key(combination), logic.compute(combination)));
        counters.onEventDone();
    }

    /** Supplies the processor together with the stores it needs, so the topology connects them. */
    public static final class Supplier<E, C> implements ProcessorSupplier<byte[], byte[], byte[], byte[]> {
        private final View<E, C> view;
        private final ViewCounters counters;

        public Supplier(View<E, C> view, ViewCounters counters) {
            this.view = view;
            this.counters = counters;
        }

        @Override
        public Processor<byte[], byte[], byte[], byte[]> get() {
            return new ViewTaskProcessor<>(view, counters);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            List<StoreBuilder<?>> all = new ArrayList<>(view.stores());
            all.add(ViewStores.bytesStore(emittedHashesStore(view)));
            return Set.copyOf(all);
        }
    }
}
