package io.matstore.precompute.internal;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import io.matstore.precompute.FanOutLimits;
import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.ViewCounters;
import io.matstore.precompute.ViewLogic;
import io.matstore.schemas.ResponseEnvelopeWriter;
import io.matstore.schemas.ViewDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Emits a response unless this task knows it already wrote the same content for the key, and a tombstone unless it
 * knows the key's last record is one.
 *
 * <p>What the task knows is {@link EmittedHashes}: in memory, empty after every start, rebalance or dirty close of
 * the task. So a change is never dropped (a key the task does not know is always written), and the price of
 * forgetting is a duplicate: the first computation of a key after a restart is written even if unchanged (same
 * content hash, hence same ETag, with a new {@code computed_at}), and a key outside the space the task does not know
 * gets a tombstone (deleting nothing). Content is compared by 64-bit XXH3: a collision would drop one real change,
 * with probability about 2^-64 per recomputation.
 *
 * <p>A traced event's records (responses and tombstones) carry its trace headers, and its envelopes the
 * {@code traceparent} in {@code trace_parent}; an untraced event's records carry neither.
 *
 * <p>Limits ({@link FanOutLimits}): a response over {@code maxResponseBytes} is not written and its key keeps its
 * last response. An event's tombstones are written only after its whole fan-out, once it is known that they stay
 * within {@code maxDeleteShare} of the task's keys; until then their keys wait in memory (at most the limit's worth:
 * past it they are dropped, as the event is held anyway). A held event's tombstones are never written and their keys
 * keep their hashes, so a later recomputation of those keys writes whatever they then are. The task's key count is
 * the view's estimate ({@link ViewLogic#approximateKeys}), or when it has none the live keys this task has written
 * since it started; it is read only when an event's tombstones pass {@code deleteHoldMinKeys}.
 */
final class ChangeEmitter {
    private static final Hasher64 HASH = Hashing.xxh3_64();

    private final EmittedHashes emitted = new EmittedHashes();
    private final LongSupplier viewKeyEstimate;
    private final ProcessorContext<byte[], byte[]> context;
    private final ViewCounters counters;
    private final FanOutLimits limits;
    private final List<byte[]> pendingTombstones = new ArrayList<>();
    private final ResponseEnvelopeWriter envelopes;
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
            LongSupplier viewKeyEstimate,
            ProcessorContext<byte[], byte[]> context,
            ViewCounters counters,
            FanOutLimits limits) {
        this.viewKeyEstimate = viewKeyEstimate;
        this.context = context;
        this.counters = counters;
        this.limits = limits;
        this.envelopes = new ResponseEnvelopeWriter(view);
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
                tombstone(key);
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
        if (response == null) {
            deferTombstone(key);
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
        long previous = emitted.putResponse(key, hash);
        if (previous == hash && EmittedHashes.isResponse(previous)) {
            counters.onUnchanged(); // the put above left the entry as it was
            return;
        }
        counters.onEmitted();
        forward(key, envelopes.encode(key, hash, computedAtMicros, response, traceParent));
    }

    private void deferTombstone(byte[] key) {
        if (limits.maxDeleteShare() >= 1.0) {
            tombstone(key);
            return;
        }
        tombstonesThisEvent++;
        if (deleteLimit < 0 && tombstonesThisEvent > limits.deleteHoldMinKeys()) {
            keysBeforeEvent = keyEstimate();
            deleteLimit = Math.max(limits.deleteHoldMinKeys(), (long) (limits.maxDeleteShare() * keysBeforeEvent));
        }
        if (deleteLimit < 0 || tombstonesThisEvent <= deleteLimit) {
            pendingTombstones.add(key);
        } else if (!pendingTombstones.isEmpty()) {
            pendingTombstones.clear(); // held: none of them will be written
        }
    }

    private long keyEstimate() {
        long estimate = viewKeyEstimate.getAsLong();
        // Tombstones are deferred, so the known live keys still count every key of this event.
        return estimate >= 0 ? estimate : emitted.responses();
    }

    private void tombstone(byte[] key) {
        emitted.putTombstone(key);
        counters.onTombstone();
        forward(key, null);
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
}
