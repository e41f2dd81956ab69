package io.matstore.serving.internal;

import io.matstore.schemas.ViewDescriptor;
import io.matstore.store.BatchRead;
import io.matstore.store.ViewReader;
import java.nio.ByteBuffer;

/**
 * One item of a batch that {@link ViewReader#readAll} has already read, seen as a reader of that one key, so the
 * batch composers answer it exactly as they answer a key they read themselves: {@link #read} copies the item's
 * value out of its slot. A value that did not fit its slot is read then, alone, from the version's reader (which
 * counts that key's lookup a second time). One instance per event-loop thread, pointed at each item in turn.
 */
final class PrefetchedItem implements ViewReader {
    private ViewReader reader;
    private BatchRead batch;
    private int index;

    PrefetchedItem at(ViewReader reader, BatchRead batch, int index) {
        this.reader = reader;
        this.batch = batch;
        this.index = index;
        return this;
    }

    @Override
    public ViewDescriptor descriptor() {
        return reader.descriptor();
    }

    @Override
    public boolean loaded() {
        return reader.loaded();
    }

    @Override
    public int read(ByteBuffer key, ByteBuffer dst) {
        int n = batch.length(index);
        if (n == NOT_FOUND) {
            return NOT_FOUND;
        }
        if (n > batch.slotBytes()) {
            return reader.read(key, dst);
        }
        if (n <= dst.remaining()) {
            dst.put(dst.position(), batch.value(index), 0, n);
        }
        return n;
    }
}
