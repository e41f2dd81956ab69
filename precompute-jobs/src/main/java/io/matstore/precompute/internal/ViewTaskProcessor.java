package io.matstore.precompute.internal;

import io.matstore.precompute.FanOutLimits;
import io.matstore.precompute.InvalidEventException;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewLogic;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task of a view: applies each (already validated) event to the task's state through the view's logic and
 * emits every affected combination whose response changed. An event that carries a W3C trace context is processed
 * in a {@code compute <view>} span, child of that context, whose context its records carry ({@link EventTracing}).
 *
 * <p>An event that breaks a {@link FanOutLimits} limit is dead-lettered from here, once per task that saw it (a
 * dimension event reaches every task, and each judges its own keys): the record as this task read it, with the
 * reason and this step's topic, partition and offset. It goes out beside the view records, marked by its
 * {@code matstore.dlq.reason} header, which no view record carries ({@link #isDeadLetter}).
 *
 * <p>A view that cuts large fan-outs into chunks ({@link ViewLogic#resume}) gets one chunk per punctuation, each
 * followed by a commit request, so every chunk is its own transaction. Resumed records carry their event's timestamp
 * but no trace context. A chunk that breaks a limit has no source record to dead-letter: it is logged and
 * counted.
 *
 * <p>While a fan-out is unfinished the task counts once in {@link ViewCounters#fanOutsPending()}: from the event that
 * leaves it (whose offset commits with its first chunk) until the punctuation after its last chunk, which runs after
 * the commit that chunk requested. A replay's caught-up check reads it, since committed offsets cannot tell a
 * finished walk from one still going.
 */
public final class ViewTaskProcessor<E, C> implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(ViewTaskProcessor.class);
    // Wall-clock punctuation fires between polls; when no fan-out is pending it costs one call to hasPendingFanOut.
    private static final Duration RESUME_INTERVAL = Duration.ofMillis(5);
    private final View<E, C> view;
    private final ViewCounters counters;
    private final FanOutLimits limits;
    private final EventTracing tracing;
    private ProcessorContext<byte[], byte[]> context;
    private ViewLogic<E, C> logic;
    private ChangeEmitter emitter;
    private boolean resumedEventOpen;
    private boolean countedPending;
    private final ViewLogic.Resumed<C> resumed = new ViewLogic.Resumed<>() {
        @Override
        public void startEvent(long eventTimestamp) {
            endResumedEvent();
            emitter.startEvent(eventTimestamp);
            resumedEventOpen = true;
        }

        @Override
        public void accept(C combination) {
            emitter.offer(logic.key(combination), logic.compute(combination));
        }
    };

    private ViewTaskProcessor(
            View<E, C> view,
            ViewCounters counters,
            FanOutLimits limits,
            java.util.function.Supplier<OpenTelemetry> openTelemetry) {
        this.view = view;
        this.counters = counters;
        this.limits = limits;
        this.tracing = new EventTracing(openTelemetry, view.descriptor());
    }

    /** Whether a record this step forwards is a dead letter (see the class comment), not a view record. */
    public static boolean isDeadLetter(org.apache.kafka.common.header.Headers headers) {
        return DeadLetterHeaders.isDeadLetter(headers);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.logic = view.newLogic(context::getStateStore);
        // A new emitter, hence an empty EmittedHashes, at every init: after a dirty close (an aborted transaction)
        // the task is initialised again, and nothing it remembered of the aborted records may survive.
        this.emitter = new ChangeEmitter(view.descriptor(), logic::approximateKeys, context, counters, limits);
        context.schedule(RESUME_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> resumeFanOut());
        countPending(logic.hasPendingFanOut()); // a cursor restored from the changelog
    }

    private void resumeFanOut() {
        if (!logic.hasPendingFanOut()) {
            // Not settled at the last chunk itself: the stream thread runs the commit that chunk requested only after
            // this punctuation, and before the next one. (An event that ends a walk by superseding it commits its
            // records with its own offset.)
            countPending(false);
            return;
        }
        int done = logic.resume(resumed);
        endResumedEvent();
        for (int i = 0; i < done; i++) {
            counters.onEventDone();
        }
        context.commit(); // the chunk and its cursor in one transaction, before the next chunk starts
    }

    private void countPending(boolean pending) {
        if (pending == countedPending) {
            return;
        }
        countedPending = pending;
        if (pending) {
            counters.onFanOutPending();
        } else {
            counters.onFanOutSettled();
        }
    }

    @Override
    public void close() {
        countPending(false); // the task moves or stops; whoever runs it next counts its restored cursor
    }

    // A chunk's held tombstones are settled at its end, like an event's: none may wait for a later chunk.
    private void endResumedEvent() {
        if (!resumedEventOpen) {
            return;
        }
        resumedEventOpen = false;
        String reason = emitter.endEvent();
        if (reason != null) { // already counted as held or too large by the emitter
            LOG.warn(
                    "view {}: a resumed fan-out chunk broke a limit (no source record to dead-letter): {}",
                    view.descriptor(),
                    reason);
        }
    }

    private void onApplied() {
        if (logic.hasPendingFanOut()) {
            countPending(true);
        }
        for (int i = logic.eventsDoneByLastApply(); i > 0; i--) {
            counters.onEventDone();
        }
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
        EventTracing.Traced traced = tracing.start(record.headers());
        if (traced == null) {
            emitter.startEvent(record.timestamp());
            apply(event, record.timestamp());
            endEvent(record);
            return;
        }
        emitter.startEvent(record.timestamp(), traced.traceParent(), traced.headers());
        try {
            apply(event, record.timestamp());
            endEvent(record);
        } catch (RuntimeException e) {
            traced.span().recordException(e);
            traced.span().setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            traced.span().setAttribute(EventTracing.EMITTED, (long) emitter.emittedThisEvent());
            traced.span().end();
        }
    }

    private void endEvent(Record<byte[], byte[]> record) {
        String reason = emitter.endEvent();
        onApplied();
        if (reason != null) {
            RecordMetadata at = context.recordMetadata().orElse(null);
            counters.onDeadLettered();
            LOG.warn(
                    "view {}: dead-lettered {}-{}@{}: {}",
                    view.descriptor(),
                    at == null ? "" : at.topic(),
                    at == null ? "" : at.partition(),
                    at == null ? "" : at.offset(),
                    reason);
            context.forward(record.withHeaders(DeadLetterHeaders.of(record.headers(), reason, at)));
        }
    }

    private void apply(E event, long timestamp) {
        logic.apply(event, timestamp, combination -> emitter.offer(logic.key(combination), logic.compute(combination)));
    }

    /** Supplies the processor together with the stores it needs, so the topology connects them. */
    public static final class Supplier<E, C> implements ProcessorSupplier<byte[], byte[], byte[], byte[]> {
        private final View<E, C> view;
        private final ViewCounters counters;
        private final FanOutLimits limits;
        private final java.util.function.Supplier<OpenTelemetry> openTelemetry;

        /** @param openTelemetry asked once per task, at its first traced event */
        public Supplier(
                View<E, C> view,
                ViewCounters counters,
                FanOutLimits limits,
                java.util.function.Supplier<OpenTelemetry> openTelemetry) {
            this.view = view;
            this.counters = counters;
            this.limits = limits;
            this.openTelemetry = openTelemetry;
        }

        @Override
        public Processor<byte[], byte[], byte[], byte[]> get() {
            return new ViewTaskProcessor<>(view, counters, limits, openTelemetry);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.<StoreBuilder<?>>copyOf(view.stores());
        }
    }
}
