package io.matstore.precompute.internal;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import org.agrona.collections.Long2LongHashMap;

/**
 * What one task knows it wrote last per canonical key since its processor was initialised: a response's content
 * hash, or nothing ({@link #UNKNOWN}). A tombstone forgets the key rather than marking it: a marker per deleted key
 * would grow the map with every key the task ever deleted, for its whole life (products created and deleted over
 * weeks), while forgetting costs at most a second tombstone for a key that is deleted again. In memory only, never logged: it costs the stream thread no
 * changelog record and no RocksDB write per response (docs/precompute.md, "Suppression").
 *
 * <p>Invariant: an entry stands for a record this task wrote in a transaction that has committed or may still
 * commit. Under exactly_once_v2 Kafka Streams aborts a transaction only while closing a task dirty (the only caller of
 * {@code StreamsProducer.abortTransaction} in 4.3.1 is {@code RecordCollectorImpl.closeDirty}); a transaction the
 * broker aborts (timeout) fences the producer, so nothing more of it commits and the next send or commit closes every
 * task of the thread dirty. A task closed dirty is initialised again before it processes anything, and
 * {@link ViewTaskProcessor#init} starts a new, empty instance: an entry never outlives the records it stands for.
 * Kafka Streams' own RocksDB stores, which are not transactional, rely on the same close-and-restore. Unknown is
 * always safe: the emitter then writes the record, at worst a duplicate of what the view topic holds.
 *
 * <p>Keys are kept as their 64-bit XXH3 with a seed of their own. Two keys sharing a hash share an entry, which can
 * suppress a real change only if one key's new content hash equals the other's last one (about 2^-64 per pair, the
 * same odds as the content hash itself colliding). Memory: two longs per slot, load factor 0.65, about 25 bytes per key.
 */
final class EmittedHashes {
    /** The answer for a key this task has not written since it started. */
    static final long UNKNOWN = 0x8000_0000_0000_0000L;

    private static final Hasher64 KEY_HASH = Hashing.xxh3_64(0x6d61_7473_746f_7265L);

    private final Long2LongHashMap entries = new Long2LongHashMap(1 << 12, 0.65f, UNKNOWN);
    private long responses;

    /** The content hash last written for {@code key}, or {@link #UNKNOWN}. */
    long get(byte[] key) {
        return entries.get(KEY_HASH.hashBytesToLong(key));
    }

    /**
     * Remembers a response written for {@code key}. A content hash equal to the marker is forgotten instead, so the
     * next computation of the key is written again rather than compared with the marker.
     *
     * @return what was remembered for the key before, as {@link #get} would have answered: a caller that finds it
     *     equal to {@code contentHash} has changed nothing, so one call replaces a get and a put (one key hash and
     *     one probe of a multi-MB table per response of a fan-out, instead of two)
     */
    long putResponse(byte[] key, long contentHash) {
        long keyHash = KEY_HASH.hashBytesToLong(key);
        long before = contentHash == UNKNOWN ? entries.remove(keyHash) : entries.put(keyHash, contentHash);
        count(before, contentHash);
        return before;
    }

    /** A tombstone was written for {@code key}: forgets it. */
    void putTombstone(byte[] key) {
        count(entries.remove(KEY_HASH.hashBytesToLong(key)), UNKNOWN);
    }

    /** Keys whose last record this task wrote is a response: the live keys it knows of. */
    long responses() {
        return responses;
    }

    static boolean isResponse(long entry) {
        return entry != UNKNOWN;
    }

    private void count(long before, long after) {
        if (isResponse(before) != isResponse(after)) {
            responses += isResponse(after) ? 1 : -1;
        }
    }
}
