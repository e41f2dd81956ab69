package io.matstore.views.offers;

import static org.assertj.core.api.Assertions.assertThat;

import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.fb.ResponseEnvelope;
import io.matstore.schemas.offers.OfferEvents;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A source event's W3C trace context through the offers topology (both repartition topics) to the view records:
 * in their {@code traceparent} header and in the envelope's {@code trace_parent}.
 */
@Timeout(60)
class OffersTracingTopologyTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SOURCE_TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    private static Headers traced(String traceParent, String traceState) {
        Headers h = new RecordHeaders().add("traceparent", traceParent.getBytes(StandardCharsets.UTF_8));
        if (traceState != null) {
            h.add("tracestate", traceState.getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return r.headers().lastHeader(name) == null
                ? null
                : new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static String envelopeTraceParent(TestRecord<byte[], byte[]> r) {
        return ResponseEnvelopes.open(r.value()).traceParent();
    }

    @Test
    void shouldPassTheSourceTraceContextToEveryViewRecordAndEnvelopeWithoutAnSdk() {
        try (OffersDriver driver = new OffersDriver(OffersView.DEFAULT_REGIONS, 1, OpenTelemetry.noop())) {
            // an entity event (entities repartition topic) ...
            driver.publish(
                    "SKU-1",
                    OfferEvents.productUpserted("SKU-1", "Mug", "kitchen", 1299),
                    traced(SOURCE_TRACEPARENT, "vendor=abc"));
            List<TestRecord<byte[], byte[]>> fromProduct = driver.readRecords();
            // ... and a dimension event, re-published to every partition (dimensions repartition topic)
            String fxTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
            driver.publish("EUR", OfferEvents.fxRateChanged("EUR", 920_000L, 2), traced(fxTrace, null));
            List<TestRecord<byte[], byte[]>> fromFx = driver.readRecords();

            assertThat(fromProduct).isNotEmpty();
            for (TestRecord<byte[], byte[]> r : fromProduct) {
                // no SDK: the no-op span is the extracted context itself, passed on unchanged
                assertThat(header(r, "traceparent")).isEqualTo(SOURCE_TRACEPARENT);
                assertThat(header(r, "tracestate")).isEqualTo("vendor=abc");
                assertThat(envelopeTraceParent(r)).isEqualTo(SOURCE_TRACEPARENT);
            }
            assertThat(fromFx).hasSize(8);
            for (TestRecord<byte[], byte[]> r : fromFx) {
                assertThat(header(r, "traceparent")).isEqualTo(fxTrace);
                assertThat(header(r, "tracestate")).isNull();
                assertThat(envelopeTraceParent(r)).isEqualTo(fxTrace);
            }
        }
    }

    @Test
    void shouldRecordTheComputeSpanAsAChildOfTheSourceSpanAndStampItsContextOnTheRecords() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder()
                                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                                .build())
                        .build();
                OffersDriver driver = new OffersDriver(OffersView.DEFAULT_REGIONS, 1, sdk)) {
            Span source = sdk.getTracer("test-producer")
                    .spanBuilder("publish offers.events")
                    .setSpanKind(SpanKind.PRODUCER)
                    .startSpan();
            SpanContext sc = source.getSpanContext();
            source.end();
            String sourceTraceParent = "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-01";

            driver.publish(
                    "SKU-1",
                    OfferEvents.productUpserted("SKU-1", "Mug", "kitchen", 1299),
                    traced(sourceTraceParent, null));
            List<TestRecord<byte[], byte[]>> records = driver.readRecords();

            SpanData compute = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals("compute offers"))
                    .findFirst()
                    .orElseThrow();
            assertThat(compute.getTraceId()).isEqualTo(sc.getTraceId());
            assertThat(compute.getParentSpanId()).isEqualTo(sc.getSpanId());
            assertThat(compute.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(compute.getAttributes().get(AttributeKey.stringKey("matstore.view")))
                    .isEqualTo("offers");
            assertThat(compute.getAttributes().get(AttributeKey.longKey("matstore.view.version")))
                    .isEqualTo(1L);
            assertThat(compute.getAttributes().get(AttributeKey.longKey("matstore.emitted")))
                    .isEqualTo((long) records.size());
            String computeTraceParent = "00-" + sc.getTraceId() + "-" + compute.getSpanId() + "-01";
            assertThat(records).isNotEmpty().allSatisfy(r -> {
                assertThat(header(r, "traceparent")).isEqualTo(computeTraceParent);
                assertThat(envelopeTraceParent(r)).isEqualTo(computeTraceParent);
            });
        }
    }

    @Test
    void shouldAddNothingToTheRecordsOfAnEventWithoutTraceContextAndStartNoSpan() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder()
                                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                                .build())
                        .build();
                OffersDriver driver = new OffersDriver(OffersView.DEFAULT_REGIONS, 1, sdk)) {
            driver.publish("SKU-1", OfferEvents.productUpserted("SKU-1", "Mug", "kitchen", 1299));

            List<TestRecord<byte[], byte[]>> records = driver.readRecords();

            assertThat(records).isNotEmpty().allSatisfy(r -> {
                assertThat(r.headers().toArray()).isEmpty();
                ResponseEnvelope e = ResponseEnvelopes.open(r.value());
                assertThat(e.traceParent()).isNull();
                assertThat(r.value())
                        .isEqualTo(ResponseEnvelopes.encode(
                                driver.descriptor,
                                keyOf(e),
                                e.contentHash(),
                                e.computedAtMicros(),
                                ResponseEnvelopes.responseBytes(e)));
            });
            assertThat(exporter.getFinishedSpanItems()).isEmpty();
        }
    }

    @Test
    void shouldProcessAnEventWithAMalformedTraceParentUntraced() {
        try (OffersDriver driver = new OffersDriver(OffersView.DEFAULT_REGIONS, 1, OpenTelemetry.noop())) {
            driver.publish(
                    "SKU-1",
                    OfferEvents.productUpserted("SKU-1", "Mug", "kitchen", 1299),
                    traced("00-not-a-trace-01", null));

            List<TestRecord<byte[], byte[]>> records = driver.readRecords();

            assertThat(records).isNotEmpty().allSatisfy(r -> {
                assertThat(r.headers().toArray()).isEmpty();
                assertThat(envelopeTraceParent(r)).isNull();
            });
        }
    }

    private static byte[] keyOf(ResponseEnvelope e) {
        byte[] key = new byte[e.keyLength()];
        e.keyAsByteBuffer().get(key);
        return key;
    }
}
