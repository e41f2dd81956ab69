package io.matstore.store;

import io.matstore.schemas.ViewDescriptor;
import java.nio.ByteBuffer;

/**
 * Reads the stored responses of one version of one view. Thread-safe: many readers run while ingest writes, and a
 * reader never sees a torn value (it gets the old envelope or the new one, whole).
 *
 * <p>Lookups allocate nothing: the caller brings the key and the output buffer (a pooled direct network buffer on
 * the serving node), and the value is copied once, from the near-cache's mapped memory or from RocksDB, into it.
 */
public interface ViewReader {
    /** Returned by {@link #read} when the key has no value (never written, or deleted by a tombstone). */
    int NOT_FOUND = -1;

    ViewDescriptor descriptor();

    /**
     * Copies the envelope stored under a canonical key into {@code dst}.
     *
     * @param key bytes [position, limit) are the canonical request key; position and limit are left unchanged
     * @param dst receives the envelope at [position, position + length); its position is left unchanged
     * @return the envelope's length, or {@link #NOT_FOUND}. When the length exceeds {@code dst.remaining()} nothing
     *         is copied and the caller retries with a buffer at least that large.
     * @throws StoreException when the storage cannot be read (the serving node then answers from its last good value)
     */
    int read(ByteBuffer key, ByteBuffer dst);

    /**
     * False while this version's first load is under way (the bulk part of a fresh version, or a live-loaded one
     * that has not caught up once): its content is partial, and a key it lacks may well exist. True from then on,
     * also after restarts; behind the log is then a matter of freshness, not of completeness. One volatile read.
     */
    default boolean loaded() {
        return true;
    }
}
