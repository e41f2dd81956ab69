package io.matstore.serving;

import static io.matstore.serving.Offers.MUG_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.views.offers.OffersContract;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GET lookups traced on a real node with an OpenTelemetry SDK (in-memory exporter) passed to it, never installed
 * globally: the server span's parent is the request's traceparent, its link the envelope's stored context.
 */
@Timeout(60)
class TracingHttpTest {
    private static final String REQUEST_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String REQUEST_SPAN_ID = "00f067aa0ba902b7";
    private static final String REQUEST_TRACEPARENT = "00-" + REQUEST_TRACE_ID + "-" + REQUEST_SPAN_ID + "-01";
    /** The computation's context, as the precompute job stores it in the envelope. */
    private static final String COMPUTE_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    private static final String COMPUTE_SPAN_ID = "b7ad6b7169203331";
    private static final String STORED_TRACEPARENT = "00-" + COMPUTE_TRACE_ID + "-" + COMPUTE_SPAN_ID + "-01";
    private static final String TRACED_QUERY = "sku=SKU-7&region=eu&currency=EUR&tier=gold";
    private static final Offers.Offer TRACED =
            new Offers.Offer("SKU-7", "eu", "EUR", "gold", "Cup", "kitchen", 500, 2, "", 0, 1, true);

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    private ServingFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
        sdk.close();
    }

    private ServingFixture tracedNode(OpenTelemetry openTelemetry) {
        ServingFixture fixture = new ServingFixture(Map.of(ServingConfig.TRACING_ENABLED, "true"), openTelemetry);
        fixture.v1.put(TRACED.key(OffersContract.V1), tracedEnvelope());
        return fixture;
    }

    private static byte[] tracedEnvelope() {
        byte[] plain = TRACED.envelope(OffersContract.V1, 99L, ServingFixture.MUG_COMPUTED_AT_MICROS);
        var e = ResponseEnvelopes.open(plain);
        return ResponseEnvelopes.encode(
                OffersContract.V1,
                TRACED.key(OffersContract.V1),
                e.contentHash(),
                e.computedAtMicros(),
                ResponseEnvelopes.responseBytes(e),
                STORED_TRACEPARENT);
    }

    private SpanData serverSpan() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !exporter.getFinishedSpanItems().isEmpty());
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSize(1);
        return spans.get(0);
    }

    @Test
    void shouldTraceAGetAsAServerSpanChildOfTheRequestContextLinkedToTheComputation() throws Exception {
        f = tracedNode(sdk);

        HttpResponse<byte[]> r = f.get("/v1/views/offers?" + TRACED_QUERY, "traceparent", REQUEST_TRACEPARENT);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(tracedEnvelope());
        SpanData span = serverSpan();
        assertThat(span.getName()).isEqualTo("GET /v1/views/offers");
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getTraceId()).isEqualTo(REQUEST_TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(REQUEST_SPAN_ID);
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getLinks())
                .extracting(LinkData::getSpanContext)
                .extracting(SpanContext::getTraceId, SpanContext::getSpanId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(COMPUTE_TRACE_ID, COMPUTE_SPAN_ID));
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                .isEqualTo(200L);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("url.query")))
                .isEqualTo(TRACED_QUERY);
        assertThat(r.headers().firstValue("traceresponse"))
                .hasValue("00-" + REQUEST_TRACE_ID + "-" + span.getSpanId() + "-01");
    }

    @Test
    void shouldStartATraceForARequestWithoutContextAndLinkItAsJsonToo() throws Exception {
        f = tracedNode(sdk);

        HttpResponse<String> r = f.getText("/v1/views/offers?" + TRACED_QUERY, "Accept", "application/json");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"sku\":\"SKU-7\"");
        SpanData span = serverSpan();
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getLinks())
                .extracting(l -> l.getSpanContext().getSpanId())
                .containsExactly(COMPUTE_SPAN_ID);
        // a trace started here: the SDK sets Level 2's random-trace-id flag (02) beside sampled (01)
        assertThat(r.headers().firstValue("traceresponse"))
                .hasValue("00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                        + span.getSpanContext().getTraceFlags().asHex());
    }

    @Test
    void shouldTraceAnErrorAnswerWithoutALinkAndKeepItsBody() throws Exception {
        f = tracedNode(sdk);

        HttpResponse<String> r = f.getText(
                "/v1/views/offers?sku=NOPE&region=eu&currency=EUR&tier=gold", "traceparent", REQUEST_TRACEPARENT);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"code\":\"not_found\"");
        SpanData span = serverSpan();
        assertThat(span.getLinks()).isEmpty();
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                .isEqualTo(404L);
        assertThat(r.headers().firstValue("traceresponse"))
                .hasValue("00-" + REQUEST_TRACE_ID + "-" + span.getSpanId() + "-01");
    }

    @Test
    void shouldNotLinkAnEnvelopeWithoutStoredContext() throws Exception {
        f = tracedNode(sdk);

        HttpResponse<byte[]> r = f.get("/v1/views/offers?" + MUG_QUERY, "traceparent", REQUEST_TRACEPARENT);

        assertThat(r.body()).isEqualTo(ServingFixture.mugEnvelope());
        assertThat(serverSpan().getLinks()).isEmpty();
    }

    @Test
    void shouldAnswerExactlyAsBeforeWhenTracingIsOffOrHasNoSdk() throws Exception {
        for (ServingFixture node : List.of(new ServingFixture(), tracedNode(OpenTelemetry.noop()))) {
            f = node;
            node.v1.put(TRACED.key(OffersContract.V1), tracedEnvelope());

            HttpResponse<byte[]> traced =
                    node.get("/v1/views/offers?" + TRACED_QUERY, "traceparent", REQUEST_TRACEPARENT);
            HttpResponse<byte[]> plain = node.get("/v1/views/offers?" + TRACED_QUERY);

            assertThat(traced.statusCode()).isEqualTo(200);
            assertThat(traced.body()).isEqualTo(tracedEnvelope()).isEqualTo(plain.body());
            assertThat(traced.headers().map()).isEqualTo(plain.headers().map()).doesNotContainKey("traceresponse");
            node.close();
            f = null;
        }
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }
}
