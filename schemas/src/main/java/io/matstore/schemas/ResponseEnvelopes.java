package io.matstore.schemas;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.fb.ResponseEnvelope;
import java.nio.ByteBuffer;

/** Builds and opens {@link ResponseEnvelope}s, the values of every view topic. */
public final class ResponseEnvelopes {
    private ResponseEnvelopes() {
    }

    /**
     * @param key           canonical request key (see {@link KeyCodec})
     * @param contentHash   64-bit hash of {@code response}
     * @param computedAtMicros when the response was computed, microseconds since the epoch
     * @param response      the view's response, a finished FlatBuffer
     */
    public static byte[] encode(ViewDescriptor view, byte[] key, long contentHash, long computedAtMicros,
                                byte[] response) {
        FlatBufferBuilder b = new FlatBufferBuilder(response.length + key.length + 96);
        int name = b.createString(view.name());
        int keyVector = ResponseEnvelope.createKeyVector(b, key);
        int responseVector = ResponseEnvelope.createResponseVector(b, response);
        int envelope = ResponseEnvelope.createResponseEnvelope(b, name, view.version(), keyVector, contentHash,
                computedAtMicros, responseVector);
        ResponseEnvelope.finishResponseEnvelopeBuffer(b, envelope);
        return b.sizedByteArray();
    }

    /** Opens an envelope in place: no copy, the table reads {@code bytes} directly. */
    public static ResponseEnvelope open(ByteBuffer bytes, ResponseEnvelope reuse) {
        return ResponseEnvelope.getRootAsResponseEnvelope(bytes, reuse);
    }

    public static ResponseEnvelope open(byte[] bytes) {
        return ResponseEnvelope.getRootAsResponseEnvelope(ByteBuffer.wrap(bytes));
    }

    /** Copies the nested response out of an envelope. */
    public static byte[] responseBytes(ResponseEnvelope envelope) {
        ByteBuffer r = envelope.responseAsByteBuffer();
        byte[] out = new byte[r.remaining()];
        r.get(out);
        return out;
    }
}
