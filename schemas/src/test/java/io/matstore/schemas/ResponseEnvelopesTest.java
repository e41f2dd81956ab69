package io.matstore.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.fb.ResponseEnvelope;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseEnvelopesTest {
    /** The offers view's descriptor as the view module declares it; schemas tests need only its shape. */
    private static final ViewDescriptor OFFERS_V1 = ViewDescriptor.of("offers", 1, "sku", "region", "currency", "tier");

    private static final String TRACE_PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private final byte[] key = KeyCodec.encode(OFFERS_V1, "SKU-1", "eu", "EUR", "gold");
    private final byte[] response = "response".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldEncodeAnEnvelopeWithoutTraceContextExactlyAsTheSchemaBeforeTheTraceField() {
        byte[] encoded = ResponseEnvelopes.encode(OFFERS_V1, key, 42L, 7L, response);

        assertThat(encoded).isEqualTo(sixFieldEnvelope());
        assertThat(ResponseEnvelopes.open(encoded).traceParent()).isNull();
    }

    @Test
    void shouldCarryTheTraceParentAndKeepEveryOtherField() {
        byte[] encoded = ResponseEnvelopes.encode(OFFERS_V1, key, 42L, 7L, response, TRACE_PARENT);

        ResponseEnvelope e = ResponseEnvelopes.open(encoded);
        assertThat(e.traceParent()).isEqualTo(TRACE_PARENT);
        assertThat(e.viewName()).isEqualTo("offers");
        assertThat(e.viewVersion()).isEqualTo(1);
        assertThat(e.contentHash()).isEqualTo(42L);
        assertThat(e.computedAtMicros()).isEqualTo(7L);
        assertThat(ResponseEnvelopes.responseBytes(e)).isEqualTo(response);
        assertThat(ResponseEnvelope.ResponseEnvelopeBufferHasIdentifier(java.nio.ByteBuffer.wrap(encoded)))
                .isTrue();
    }

    /** What flatc generated for envelope.fbs before {@code trace_parent} was appended (six fields). */
    private byte[] sixFieldEnvelope() {
        FlatBufferBuilder b = new FlatBufferBuilder(response.length + key.length + 96);
        int name = b.createString("offers");
        int keyVector = ResponseEnvelope.createKeyVector(b, key);
        int responseVector = ResponseEnvelope.createResponseVector(b, response);
        b.startTable(6);
        b.addLong(4, 7L, 0L);
        b.addLong(3, 42L, 0L);
        b.addOffset(5, responseVector, 0);
        b.addOffset(2, keyVector, 0);
        b.addInt(1, 1, 0);
        b.addOffset(0, name, 0);
        int table = b.endTable();
        b.finish(table, "MSE1");
        return b.sizedByteArray();
    }

    @Test
    void shouldEncodeTheSameBytesIntoAReusedBuilderAsIntoAFreshOne() {
        FlatBufferBuilder reused = new FlatBufferBuilder(16); // grows on the first envelope, then keeps its buffer
        byte[] big = new byte[4096];
        ResponseEnvelopes.encode(reused, OFFERS_V1, key, 1L, 2L, big, TRACE_PARENT);
        assertThat(ResponseEnvelopes.encode(reused, OFFERS_V1, key, 42L, 7L, response, null))
                .isEqualTo(ResponseEnvelopes.encode(OFFERS_V1, key, 42L, 7L, response));
        assertThat(ResponseEnvelopes.encode(reused, OFFERS_V1, key, 42L, 7L, response, TRACE_PARENT))
                .isEqualTo(ResponseEnvelopes.encode(OFFERS_V1, key, 42L, 7L, response, TRACE_PARENT));
    }
}
