package io.matstore.bench.serving;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.ViewReader;
import java.nio.ByteBuffer;

/**
 * A {@link ViewReader} holding one key and its envelope in direct memory, standing in for the near-cache so the
 * benchmark measures the serving node's own work (key building, the one copy, response composition). It keeps the
 * interface's contract (whole copy or none, positions unchanged) and allocates nothing per read.
 */
final class SingleEntryViewReader implements ViewReader {
    private final ViewDescriptor descriptor;
    private final ByteBuffer key;
    private final ByteBuffer envelope;

    SingleEntryViewReader(ViewDescriptor descriptor, byte[] key, byte[] envelope) {
        this.descriptor = descriptor;
        this.key = ByteBuffer.allocateDirect(key.length).put(key).flip();
        this.envelope = ByteBuffer.allocateDirect(envelope.length).put(envelope).flip();
    }

    @Override
    public ViewDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public int read(ByteBuffer requestKey, ByteBuffer dst) {
        if (!key.equals(requestKey)) {
            return NOT_FOUND;
        }
        int n = envelope.remaining();
        if (n <= dst.remaining()) {
            dst.put(dst.position(), envelope, 0, n);
        }
        return n;
    }
}
