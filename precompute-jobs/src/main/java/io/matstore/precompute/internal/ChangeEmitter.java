package io.matstore.precompute.internal;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import com.google.flatbuffers.FlatBufferBuilder;
import io.matstore.precompute.FanOutLimits;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewCounters;
import io.matstore.schemas.ResponseEnvelopes;
import io.matstore.schemas.ViewDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>Limits ({@link FanOutLimits}): a response over {@code maxResponseBytes} is not written and its key keeps its
 * last response. An event's tombstones are written only after its whole fan-out, once it is known that they stay
 * within {@code maxDeleteShare} of the task's keys; until then their keys wait in memory (at most the limit's worth:
 * past it they are dropped, as the event is held anyway). A held event's tombstones are never written and their keys
 * keep their hashes, so the invariant holds and a later recomputation of those keys writes whatever they then are.
 * The task's key count is RocksDB's estimate, read only when an event's tombstones pass {@code deleteHoldMinKeys}.
 */
final class ChangeEmitter {
    private static final Hasher64 HASH = Hashing.xxh3_64();

    private final ViewDescriptor view;
    private final KeyValueStore<Bytes, byte[]> hashes;
    private final ProcessorContext<byte[], byte[]> context;
    private final ViewCounters counters;
    private final FanOutLimits limits;
    private final List<byte[]> pendingTombstones = new ArrayList<>();
    private final FlatBufferBuilder envelopes = new FlatBufferBuilder(1024);
    private long eventTimestamp;
    private long computedAtMicros;
    private String traceParent;
    private Header[] traceHeaders;
    private int emittedThisEvent;
    private long tombstonesThisEvent;
    /** Tombstones above which the current event is held; computed when its tombstones pass the floor. */
    private long deleteLimit;

    private long keysBeforeEvent;
    private int tooLargeThisEvent;
    private int firstTooLargeBytes;

    ChangeEmitter(
            ViewDescriptor view,
            KeyValueStore<Bytes, byte[]> hashes,
            ProcessorContext<byte[], byte[]> context,
            ViewCounters counters,
            FanOutLimits limits) {
        this.view = view;
        this.hashes = hashes;
        this.context = context;
        this.counters = counters;
        this.limits = limits;
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
        this.tombstonesThisEvent = 0;
        this.deleteLimit = -1;
        this.tooLargeThisEvent = 0;
        this.pendingTombstones.clear();
    }

    /**
     * Ends the current event: writes its tombstones unless they are over the share, and says why the event must be
     * dead-lettered, or null. Call once after the event's fan-out, before the next {@code startEvent}.
     */
    String endEvent() {
        String reason = null;
        if (deleteLimit >= 0 && tombstonesThisEvent > deleteLimit) {
            counters.onHeld();
            reason = "would delete " + tombstonesThisEvent + " of ~" + keysBeforeEvent + " keys of partition "
                    + context.taskId().partition() + " ("
                    + String.format(Locale.ROOT, "%.1f", 100.0 * tombstonesThisEvent / Math.max(1, keysBeforeEvent))
                    + " %) > " + PrecomputeConfig.VIEW_MAX_DELETE_SHARE + "=" + limits.maxDeleteShare()
                    + "; no tombstone written";
        } else {
            for (byte[] key : pendingTombstones) {
                hashes.delete(Bytes.wrap(key));
                counters.onTombstone();
                forward(key, null);
            }
        }
        pendingTombstones.clear();
        if (tooLargeThisEvent > 0) {
            String tooLarge = tooLargeThisEvent + " response(s) not written, the first of " + firstTooLargeBytes
                    + " bytes > " + PrecomputeConfig.VIEW_MAX_RESPONSE_BYTES + "=" + limits.maxResponseBytes();
            reason = reason == null ? tooLarge : reason + "; " + tooLarge;
        }
        return reason;
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
                deferTombstone(key);
            }
            return;
        }
        if (response.length > limits.maxResponseBytes()) {
            if (tooLargeThisEvent++ == 0) {
                firstTooLargeBytes = response.length;
            }
            counters.onTooLarge();
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

    private void deferTombstone(byte[] key) {
        if (limits.maxDeleteShare() >= 1.0) {
            hashes.delete(Bytes.wrap(key));
            counters.onTombstone();
            forward(key, null);
            return;
        }
        tombstonesThisEvent++;
        if (deleteLimit < 0 && tombstonesThisEvent > limits.deleteHoldMinKeys()) {
            // Tombstones are deferred, so the store still counts every key the task had before this event.
            keysBeforeEvent = hashes.approximateNumEntries();
            deleteLimit = Math.max(limits.deleteHoldMinKeys(), (long) (limits.maxDeleteShare() * keysBeforeEvent));
        }
        if (deleteLimit < 0 || tombstonesThisEvent <= deleteLimit) {
            pendingTombstones.add(key);
        } else if (!pendingTombstones.isEmpty()) {
            pendingTombstones.clear(); // held: none of them will be written
        }
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
