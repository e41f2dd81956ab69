package io.matstore.serving.internal;

import io.matstore.schemas.KeyCodec;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;

/**
 * What one event-loop thread reuses for every request it handles: the query scanner, the direct key buffer and the
 * response composer. Requests on one event loop run one after another, so one set per thread suffices, however many
 * connections the thread serves.
 */
public final class RequestScratch {
    private static final FastThreadLocal<RequestScratch> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected RequestScratch initialValue() {
            return new RequestScratch();
        }
    };

    public final QueryKey query = new QueryKey();
    public final ByteBuffer key = ByteBuffer.allocateDirect(KeyCodec.MAX_KEY_BYTES);
    public final ViewResponder responder = new ViewResponder();

    public static RequestScratch get() {
        return PER_THREAD.get();
    }
}
