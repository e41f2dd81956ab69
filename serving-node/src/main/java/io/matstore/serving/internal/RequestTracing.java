package io.matstore.serving.internal;

import io.matstore.view.json.Ascii;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traces GET lookups when {@code serving.tracing.enabled} is set and an OpenTelemetry SDK is there: a SERVER span
 * {@code GET /v1/views/<view>} whose parent is the request's W3C {@code traceparent} (a new trace without one),
 * linked to the context stored in the answered envelope's {@code trace_parent} (the computation of that response,
 * whose parent is the source event), and a {@code traceresponse} header (W3C Trace Context Level 2) naming the span.
 *
 * <p>The node holds no instance when tracing is off ({@link #create} answers null): the request path then checks one
 * reference and touches nothing of OpenTelemetry. When on, this path allocates (span, attributes, strings).
 */
public final class RequestTracing {
    private static final Logger LOG = LoggerFactory.getLogger(RequestTracing.class);
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<HttpHeaders> REQUEST_HEADERS =
            (headers, name) -> headers == null ? null : headers.get(name);
    private static final TextMapGetter<String> TRACE_PARENT_ONLY =
            (traceParent, name) -> "traceparent".equals(name) ? traceParent : null;
    /** Longer than any W3C traceparent of version 00 (55 characters) with room for future versions' fields. */
    private static final int MAX_STORED_TRACE_PARENT = 256;

    private static final byte[] TRACERESPONSE = Ascii.bytes("traceresponse: ");
    private static final byte[] CRLF = Ascii.bytes("\r\n");

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> QUERY = AttributeKey.stringKey("url.query");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<Boolean> STALE = AttributeKey.booleanKey("matstore.stale");
    static final AttributeKey<String> LINK_KIND = AttributeKey.stringKey("matstore.link");
    private static final Attributes COMPUTED_BY = Attributes.of(LINK_KIND, "computed_by");

    private final Tracer tracer;

    private RequestTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * The node's tracing, or null when off: not enabled (then {@code openTelemetry} is not even asked), or enabled
     * without an SDK (the API's no-op tracer provider), which is logged once.
     */
    public static RequestTracing create(boolean enabled, Supplier<OpenTelemetry> openTelemetry) {
        if (!enabled) {
            return null;
        }
        TracerProvider provider = openTelemetry.get().getTracerProvider();
        if (provider == TracerProvider.noop()) {
            LOG.warn("serving.tracing.enabled=true but no OpenTelemetry SDK is installed (no Java agent, none"
                    + " registered or passed to the node): requests are not traced");
            return null;
        }
        LOG.info(
                "tracing GET lookups with OpenTelemetry ({})",
                provider.getClass().getName());
        return new RequestTracing(provider.get("io.matstore.serving"));
    }

    /** Starts the server span of a GET of {@code route}, child of the request's trace context if it has one. */
    Span start(HttpRequest req, ViewRoute route, String uri, int pathEnd) {
        Context parent = W3C.extract(Context.root(), req.headers(), REQUEST_HEADERS);
        String path = uri.substring(0, pathEnd);
        var b = tracer.spanBuilder("GET " + route.path())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, "GET")
                .setAttribute(ROUTE, route.path())
                .setAttribute(PATH, path);
        if (pathEnd < uri.length()) {
            b.setAttribute(QUERY, uri.substring(pathEnd + 1));
        }
        return b.startSpan();
    }

    /**
     * Records the answer on the span, links the span to the answered envelope's trace context, and returns the
     * response with a {@code traceresponse} header after its status line (the same buffer, or a new one).
     *
     * @param responder the responder that composed {@code answer}, whose envelope is still in the buffer
     */
    ByteBuf onAnswered(Span span, ViewResponder responder, Answer answer, ByteBufAllocator alloc) {
        span.setAttribute(STATUS, (long) answer.status);
        span.setAttribute(STALE, answer.stale);
        if (answer.status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        if (answer.status == 200 || answer.status == 304) {
            SpanContext computed = storedContext(responder);
            if (computed != null) {
                span.addLink(computed, COMPUTED_BY);
            }
        }
        SpanContext sc = span.getSpanContext();
        if (!sc.isValid()) {
            return answer.buf;
        }
        byte[] line = traceResponseLine(sc);
        return insertAfterStatusLine(alloc, answer.buf, line);
    }

    /** The context in the answered envelope's {@code trace_parent}, or null when absent or not a valid one. */
    private static SpanContext storedContext(ViewResponder responder) {
        String stored;
        try {
            stored = responder.lastTraceParent();
        } catch (RuntimeException e) {
            return null; // a field pointing out of the buffer: the envelope answered; its trace is unusable
        }
        if (stored == null || stored.length() > MAX_STORED_TRACE_PARENT) {
            return null;
        }
        SpanContext sc = Span.fromContext(W3C.extract(Context.root(), stored, TRACE_PARENT_ONLY))
                .getSpanContext();
        return sc.isValid() ? sc : null;
    }

    private static byte[] traceResponseLine(SpanContext sc) {
        String value = "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-"
                + sc.getTraceFlags().asHex();
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[TRACERESPONSE.length + v.length + CRLF.length];
        System.arraycopy(TRACERESPONSE, 0, line, 0, TRACERESPONSE.length);
        System.arraycopy(v, 0, line, TRACERESPONSE.length, v.length);
        System.arraycopy(CRLF, 0, line, TRACERESPONSE.length + v.length, CRLF.length);
        return line;
    }

    /**
     * Puts {@code line} between the status line and the first header: in place when the buffer has room in front of
     * its readable bytes (view answers keep {@link ViewResponder#HEADROOM}), else into a new buffer.
     */
    static ByteBuf insertAfterStatusLine(ByteBufAllocator alloc, ByteBuf response, byte[] line) {
        int start = response.readerIndex();
        int eol = response.indexOf(start, response.writerIndex(), (byte) '\n');
        if (eol < 0) {
            return response;
        }
        int statusLength = eol + 1 - start;
        if (start >= line.length) {
            byte[] status = new byte[statusLength];
            response.getBytes(start, status);
            int newStart = start - line.length;
            response.setBytes(newStart, status);
            response.setBytes(newStart + statusLength, line);
            response.readerIndex(newStart);
            return response;
        }
        ByteBuf out = alloc.directBuffer(response.readableBytes() + line.length);
        out.writeBytes(response, start, statusLength)
                .writeBytes(line)
                .writeBytes(response, eol + 1, response.writerIndex() - eol - 1);
        response.release();
        return out;
    }
}
