package io.matstore.precompute.internal;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.google.flatbuffers.FlatBufferBuilder;
import com.dynatrace.hash4j.hashing.Hashing;
import io.matstore.precompute.ViewCounters;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Emits a response only when its content changed, and a tombstone only once when a combination leaves the space.
 *
 * <p>Invariant: the store holds an entry for a key exactly when the last record this task wrote for that key is a
 * response (not a tombstone), and the entry is that response's content hash. Store and output commit in the same
 * transaction (exactly_once_v2), so the invariant survives crashes. Content is compared by 64-bit XXH3: a collision
 * would drop one real change, with probability about 2^-64 per recomputation.
 *
 * <p>A traced event's records (responses and tombstones) carry its trace headers, and its envelopes the
 * {@code traceparent} in {@code trace_parent}; an untraced event's records carry neither.
 */
final class ChangeEmitter {
    private static final Hasher64 HASH = Hashing.xxh3_64();

    private final ViewDescriptor view;
    private final KeyValueStore<Bytes, byte[]> hashes;
    private final ProcessorContext<byte[], byte[]> context;
    private final ViewCounters counters;
    private final FlatBufferBuilder envelopes = new FlatBufferBuilder(1024);
    private long eventTimestamp;
    private long computedAtMicros;
    private String traceParent;
    private Header[] traceHeaders;
    private int emittedThisEvent;

    ChangeEmitter(ViewDescriptor view, KeyValueStore<Bytes, byte[]> hashes, ProcessorContext<byte[], byte[]> context,
                  ViewCounters counters) {
        this.view = view;
        this.hashes = hashes;
        this.context = context;
        this.counters = counters;
    }

    /** Every response of one event carries the event's timestamp and one computation time. */
    void startEvent(long timestamp) {
        startEvent(timestamp, null, null);
    }

    /**
     * As {@link #startEvent(long)}, for an event whose records carry a trace context.
     *
     * @param traceParent  the envelopes' {@code trace_parent}, or null
     * @param traceHeaders the records' trace headers, or null
     */
    void startEvent(long timestamp, String traceParent, Header[] traceHeaders) {
        this.eventTimestamp = timestamp;
        this.computedAtMicros = context.currentSystemTimeMs() * 1000L;
        this.traceParent = traceParent;
        this.traceHeaders = traceHeaders;
        this.emittedThisEvent = 0;
    }

    /** Records (responses and tombstones) written for the current event so far. */
    int emittedThisEvent() {
        return emittedThisEvent;
    }

    /** @param response the combination's response, or {@code null} when it is outside the parameter space */
    void offer(byte[] key, byte[] response) {
        Bytes storeKey = Bytes.wrap(key);
        byte[] previous = hashes.get(storeKey);
        if (response == null) {
            if (previous != null) {
                hashes.delete(storeKey);
                counters.onTombstone();
                forward(key, null);
            }
            return;
        }
        long hash = HASH.hashBytesToLong(response);
        if (previous != null && toLong(previous) == hash) {
            counters.onUnchanged();
            return;
        }
        hashes.put(storeKey, toBytes(hash));
        counters.onEmitted();
        forward(key, ResponseEnvelopes.encode(envelopes, view, key, hash, computedAtMicros, response, traceParent));
    }

    private void forward(byte[] key, byte[] value) {
        emittedThisEvent++;
        if (traceHeaders == null) {
            context.forward(new Record<>(key, value, eventTimestamp));
        } else {
            // one Headers per record: downstream (sink, interceptors) may change a record's headers in place
            context.forward(new Record<>(key, value, eventTimestamp, new RecordHeaders(traceHeaders)));
        }
    }

    private static long toLong(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    private static byte[] toBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }
}
