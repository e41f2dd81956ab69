package io.matstore.store;

import io.matstore.schemas.KeyCodec;
import java.nio.ByteBuffer;

/**
 * The keys of one batch and, after {@link ViewReader#readAll}, their values, in slots of two direct arenas made once
 * and reused from batch to batch (one instance per reading thread: not thread-safe).
 *
 * <pre>
 *   keys:    | slot 0: MAX_KEY_BYTES | slot 1 | ... |     key i at [0, its length) of {@link #key}(i)
 *   values:  | slot 0: slotBytes     | slot 1 | ... |     value i at [0, {@link #length}(i)) of {@link #value}(i)
 * </pre>
 *
 * A value longer than its slot is not copied: {@link #length} then says how long it is, more than {@link #slotBytes},
 * and the caller reads that key alone with {@link ViewReader#read}. Reading a whole batch at once lets the store look
 * the near-cache's misses up in RocksDB with one {@code MultiGet} instead of one {@code Get} per key.
 */
public final class BatchRead {
    private final int slotBytes;
    private ByteBuffer[] keys = new ByteBuffer[0];
    private ByteBuffer[] values = new ByteBuffer[0];
    private int[] lengths = new int[0];
    private int size;

    /** @param slotBytes value bytes per item copied by {@link ViewReader#readAll}; larger values are read alone */
    public BatchRead(int slotBytes) {
        if (slotBytes < 64) {
            throw new IllegalArgumentException("slotBytes=" + slotBytes + " < 64");
        }
        this.slotBytes = slotBytes;
    }

    /** Empties the batch and makes room for {@code items} keys (the arenas are replaced only when they grow). */
    public void clear(int items) {
        size = 0;
        if (items > keys.length) {
            ByteBuffer keyArena = ByteBuffer.allocateDirect(items * KeyCodec.MAX_KEY_BYTES);
            ByteBuffer valueArena = ByteBuffer.allocateDirect(items * slotBytes);
            keys = new ByteBuffer[items];
            values = new ByteBuffer[items];
            lengths = new int[items];
            for (int i = 0; i < items; i++) {
                keys[i] = keyArena.slice(i * KeyCodec.MAX_KEY_BYTES, KeyCodec.MAX_KEY_BYTES);
                values[i] = valueArena.slice(i * slotBytes, slotBytes);
            }
        }
    }

    /**
     * Copies a key (bytes [position, limit), left unchanged) into the next slot.
     *
     * @return the key's index in this batch
     * @throws IllegalStateException past the room {@link #clear} made
     */
    public int add(ByteBuffer key) {
        if (size == keys.length) {
            throw new IllegalStateException("batch full: " + size + " keys");
        }
        ByteBuffer slot = keys[size];
        slot.clear();
        slot.put(0, key, key.position(), key.remaining()).limit(key.remaining());
        lengths[size] = ViewReader.NOT_FOUND;
        return size++;
    }

    public int size() {
        return size;
    }

    public int slotBytes() {
        return slotBytes;
    }

    /** Key {@code i}: position 0, limit its length. Readers must leave position and limit as they found them. */
    public ByteBuffer key(int i) {
        return keys[i];
    }

    /**
     * @return the length of value {@code i}, {@link ViewReader#NOT_FOUND}, or a length above {@link #slotBytes} when
     *         the value did not fit its slot and was not copied
     */
    public int length(int i) {
        return lengths[i];
    }

    /** Value {@code i}'s slot, its bytes at [0, {@link #length}(i)); position and limit are not meaningful. */
    public ByteBuffer value(int i) {
        return values[i];
    }

    /** The empty slot a reader copies value {@code i} into: position 0, limit {@link #slotBytes}. */
    public ByteBuffer valueSlot(int i) {
        return values[i].clear();
    }

    /** What a reader found for key {@code i}: its length (copied when at most {@link #slotBytes}) or NOT_FOUND. */
    public void found(int i, int length) {
        lengths[i] = length;
    }
}
