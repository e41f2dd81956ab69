package io.matstore.precompute.internal;

import io.matstore.schemas.ViewDescriptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The trace of one view task's events: when a record carries a W3C {@code traceparent} header (and maybe
 * {@code tracestate}), its processing runs in a span {@code compute <view>} whose parent is that context, and every
 * record it emits carries the span's context ({@link Traced#headers()}, {@link Traced#traceParent()}).
 *
 * <p>Without a header nothing is started, resolved or added. Without an OpenTelemetry SDK the span is the API's
 * no-op one, which is the extracted context itself: the records then carry the source's context unchanged, so the
 * trace still links event and response. The {@link OpenTelemetry} is resolved on the first traced record only, so a
 * job whose events carry no context never touches {@code GlobalOpenTelemetry}.
 */
final class EventTracing {
    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";
    static final AttributeKey<String> VIEW = AttributeKey.stringKey("matstore.view");
    static final AttributeKey<Long> VERSION = AttributeKey.longKey("matstore.view.version");
    static final AttributeKey<Long> EMITTED = AttributeKey.longKey("matstore.emitted");

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    /** The last header of a name (Kafka allows repeats; the latest writer's wins), as UTF-8. */
    private static final TextMapGetter<Headers> GETTER = (carrier, key) -> {
        Header h = carrier == null ? null : carrier.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    };

    private static final TextMapSetter<List<Header>> SETTER =
            (carrier, key, value) -> carrier.add(new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8)));

    private final Supplier<OpenTelemetry> openTelemetry;
    private final ViewDescriptor view;
    private final String spanName;
    private Tracer tracer;

    EventTracing(Supplier<OpenTelemetry> openTelemetry, ViewDescriptor view) {
        this.openTelemetry = openTelemetry;
        this.view = view;
        this.spanName = "compute " + view.name();
    }

    /** The span of a traced event and the context its records carry. */
    record Traced(Span span, String traceParent, Header[] headers) {}

    /**
     * Starts the event's span when {@code headers} carry a valid {@code traceparent}.
     *
     * @return the span and what to attach to the event's records, or null when the event is not traced (no header,
     *         or one that does not parse: the event is processed all the same)
     */
    Traced start(Headers headers) {
        if (headers.lastHeader(TRACEPARENT) == null) {
            return null;
        }
        Context parent = W3C.extract(Context.root(), headers, GETTER);
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return null;
        }
        Span span = tracer().spanBuilder(spanName)
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(VIEW, view.name())
                .setAttribute(VERSION, (long) view.version())
                .startSpan();
        List<Header> out = new ArrayList<>(2);
        W3C.inject(Context.root().with(span), out, SETTER);
        String traceParent = null;
        for (Header h : out) {
            if (h.key().equals(TRACEPARENT)) {
                traceParent = new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        if (traceParent == null) {
            span.end();
            return null;
        }
        return new Traced(span, traceParent, out.toArray(new Header[0]));
    }

    private Tracer tracer() {
        if (tracer == null) {
            tracer = openTelemetry.get().getTracer("io.matstore.precompute");
        }
        return tracer;
    }
}
