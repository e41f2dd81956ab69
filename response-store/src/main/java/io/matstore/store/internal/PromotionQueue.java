package io.matstore.store.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Keys that were read from RocksDB (near-cache misses), handed from reader threads to the ingest thread, which
 * decides whether to bring them near. Lossy by design: a bounded ring of fixed-size slots, producers never wait,
 * a slot being rewritten is skipped, keys longer than a slot are not offered. Allocation-free for producers.
 *
 * <p>A garbled key is harmless: the ingest thread looks every offered key up in RocksDB itself and caches only
 * what it finds there, so the near-cache can only ever receive a real (key, current value) pair.
 *
 * <pre>
 *   slot i: [ key bytes (SLOT_BYTES) ]      lengths[i]: -1 while written, else the key length
 * </pre>
 */
final class PromotionQueue {
    static final int SLOT_BYTES = 256;
    private final int slots;
    private final byte[] data;
    private final AtomicIntegerArray lengths;
    private final AtomicLong claimed = new AtomicLong();
    private long consumed;

    PromotionQueue(int slots) {
        this.slots = Integer.highestOneBit(slots - 1) << 1;
        this.data = new byte[this.slots * SLOT_BYTES];
        this.lengths = new AtomicIntegerArray(this.slots);
        for (int i = 0; i < this.slots; i++) {
            lengths.set(i, 0);
        }
    }

    /** Offers the key bytes [position, limit); position unchanged. Any thread. */
    void offer(ByteBuffer key) {
        int length = key.remaining();
        if (length > SLOT_BYTES || length == 0) {
            return;
        }
        int slot = (int) (claimed.getAndIncrement() & (slots - 1));
        lengths.set(slot, -1);
        key.get(key.position(), data, slot * SLOT_BYTES, length);
        lengths.set(slot, length);
    }

    /** Hands every key offered since the last drain (at most one ring's worth) to {@code sink}. Ingest thread. */
    void drain(Consumer<byte[]> sink) {
        long end = claimed.get();
        long start = Math.max(consumed, end - slots);
        for (long i = start; i < end; i++) {
            int slot = (int) (i & (slots - 1));
            int length = lengths.get(slot);
            if (length > 0) {
                byte[] key = new byte[length];
                System.arraycopy(data, slot * SLOT_BYTES, key, 0, length);
                if (lengths.get(slot) == length) {
                    sink.accept(key);
                }
            }
        }
        consumed = end;
    }
}
