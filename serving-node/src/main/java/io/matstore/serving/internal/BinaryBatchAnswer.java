package io.matstore.serving.internal;

import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.schemas.fb.BatchAnswer;
import io.matstore.schemas.fb.BatchItem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Composes the binary answer of a batch ({@code batch.fbs}: a {@code BatchAnswer} of {@code BatchItem}s, each a status
 * and either the stored envelope or an error). One per event-loop thread, its builder and offset array reused from
 * batch to batch, so a batch of hits costs the envelope copies into the builder and one copy of the finished buffer
 * into the network buffer, nothing per item on the heap.
 */
final class BinaryBatchAnswer {
    private static final FastThreadLocal<BinaryBatchAnswer> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected BinaryBatchAnswer initialValue() {
            return new BinaryBatchAnswer();
        }
    };

    private final FlatBufferBuilder builder = new FlatBufferBuilder(64 * 1024);
    private int[] items = new int[128];
    private int count;

    static BinaryBatchAnswer get() {
        return PER_THREAD.get();
    }

    void start() {
        builder.clear();
        count = 0;
    }

    /** Consumes {@code envelope} from its position to its limit. */
    void found(ByteBuffer envelope) {
        int bytes = BatchItem.createEnvelopeVector(builder, envelope);
        BatchItem.startBatchItem(builder);
        BatchItem.addStatus(builder, 200);
        BatchItem.addEnvelope(builder, bytes);
        add(BatchItem.endBatchItem(builder));
    }

    void error(int status, String code, String message) {
        int c = builder.createString(code);
        int m = builder.createString(message);
        BatchItem.startBatchItem(builder);
        BatchItem.addStatus(builder, status);
        BatchItem.addErrorCode(builder, c);
        BatchItem.addErrorMessage(builder, m);
        add(BatchItem.endBatchItem(builder));
    }

    private void add(int item) {
        if (count == items.length) {
            items = java.util.Arrays.copyOf(items, count * 2);
        }
        items[count++] = item;
    }

    /** The whole HTTP response: head, then the finished FlatBuffer. */
    ByteBuf finish(ByteBufAllocator alloc, String view, int version, boolean keepAlive) {
        int name = builder.createString(view);
        BatchAnswer.startItemsVector(builder, count);
        for (int i = count - 1; i >= 0; i--) { // vectors are built back to front
            builder.addOffset(items[i]);
        }
        int vector = builder.endVector();
        BatchAnswer.startBatchAnswer(builder);
        BatchAnswer.addView(builder, name);
        BatchAnswer.addVersion(builder, version);
        BatchAnswer.addItems(builder, vector);
        BatchAnswer.finishBatchAnswerBuffer(builder, BatchAnswer.endBatchAnswer(builder));
        ByteBuffer body = builder.dataBuffer();
        String head = "HTTP/1.1 200 OK\r\nContent-Type: " + ViewLookup.FLATBUFFERS + "\r\nContent-Length: "
                + body.remaining() + "\r\nCache-Control: no-store\r\nX-Matstore-View-Version: " + version + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        ByteBuf out = alloc.directBuffer(head.length() + body.remaining());
        out.writeCharSequence(head, StandardCharsets.US_ASCII);
        out.writeBytes(body);
        return out;
    }
}
