package io.matstore.schemas;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.fb.ResponseEnvelope;
import java.nio.ByteBuffer;

/** Builds and opens {@link ResponseEnvelope}s, the values of every view topic. */
public final class ResponseEnvelopes {
    private ResponseEnvelopes() {}

    /**
     * @param key           canonical request key (see {@link KeyCodec})
     * @param contentHash   64-bit hash of {@code response}
     * @param computedAtMicros when the response was computed, microseconds since the epoch
     * @param response      the view's response, a finished FlatBuffer
     */
    public static byte[] encode(
            ViewDescriptor view, byte[] key, long contentHash, long computedAtMicros, byte[] response) {
        return encode(view, key, contentHash, computedAtMicros, response, null);
    }

    /**
     * As {@link #encode(ViewDescriptor, byte[], long, long, byte[])}, with the trace context of the computation.
     *
     * @param traceParent a W3C {@code traceparent} value, or null: then not a byte differs from an envelope
     *                    encoded without one (FlatBuffers leaves an absent trailing field out of the vtable)
     */
    public static byte[] encode(
            ViewDescriptor view,
            byte[] key,
            long contentHash,
            long computedAtMicros,
            byte[] response,
            String traceParent) {
        int traceBytes = traceParent == null ? 0 : traceParent.length() + 8;
        return encode(
                new FlatBufferBuilder(response.length + key.length + traceBytes + 96),
                view,
                key,
                contentHash,
                computedAtMicros,
                response,
                traceParent);
    }

    /**
     * As {@link #encode(ViewDescriptor, byte[], long, long, byte[], String)}, into a builder the caller reuses (one
     * per thread): a fan-out encodes hundreds of thousands of envelopes, and a fresh builder each grew its buffer.
     * The bytes are the same.
     */
    public static byte[] encode(
            FlatBufferBuilder reuse,
            ViewDescriptor view,
            byte[] key,
            long contentHash,
            long computedAtMicros,
            byte[] response,
            String traceParent) {
        FlatBufferBuilder b = reuse;
        b.clear();
        int trace = traceParent == null ? 0 : b.createString(traceParent);
        int name = b.createString(view.name());
        int keyVector = ResponseEnvelope.createKeyVector(b, key);
        int responseVector = ResponseEnvelope.createResponseVector(b, response);
        int envelope = ResponseEnvelope.createResponseEnvelope(
                b, name, view.version(), keyVector, contentHash, computedAtMicros, responseVector, trace);
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
