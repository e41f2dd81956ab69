package io.matstore.precompute.replay;

import io.matstore.precompute.replay.ReplayProgress.Phase;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a replay's consumer group until it has caught up with the end offsets captured at the start, reading the
 * group's committed offsets through Admin (committed offsets are what survives: with exactly_once_v2 they commit in
 * the same transaction as the view records they produced).
 *
 * <p>Caught up takes two steps, because the job reads the source in one sub-topology and computes in another:
 * <ol>
 *   <li>CONSUMING: every source partition committed up to its captured end. The events are then in the job's
 *       repartition topics.</li>
 *   <li>DRAINING: every repartition partition committed up to its end as of step 1's completion. Every event up to
 *       the captured end has then been applied and its responses are committed in the view topic, except what a
 *       chunked fan-out has still to walk: an event that leaves a cursor commits its offset with its first chunk.
 *       So the step also waits until no task of the job has a fan-out pending ({@link
 *       io.matstore.precompute.ViewCounters#fanOutsPending()}, read after the offsets: an event the offsets cover
 *       has already counted its fan-out).</li>
 * </ol>
 * A partition whose committed offset stops short of its end is probed ({@link EndProbe}): the rest may be only
 * transaction markers, which the job never commits past.
 *
 * <p>One thread calls {@link #poll()}; anyone reads {@link #progress()}.
 */
final class ReplayMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayMonitor.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** A broker that is away fails every poll; say so at most this often. */
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final Admin admin;
    private final EndProbe probe;
    private final String groupId;
    private final List<String> repartitionTopics;
    private final long startNanos;
    private final Stage source;
    private final long total;
    private final LongSupplier fanOutsPending;
    private final CountDownLatch caughtUpLatch = new CountDownLatch(1);
    private Stage repartition;
    private long lastWarnNanos;
    private long failuresSinceWarn;
    private boolean waitingLogged;
    private volatile ReplayProgress progress;
    private volatile CaughtUp caughtUp;

    /**
     * @param sourceStart  per source partition, the offset the replay starts from
     * @param sourceEnd    per source partition, the end captured at the start
     * @param fanOutsPending tasks of the job with a chunked fan-out not yet committed to its end
     */
    ReplayMonitor(
            Admin admin,
            EndProbe probe,
            String groupId,
            List<String> repartitionTopics,
            Map<TopicPartition, Long> sourceStart,
            Map<TopicPartition, Long> sourceEnd,
            long startNanos,
            LongSupplier fanOutsPending) {
        this.admin = admin;
        this.probe = probe;
        this.groupId = groupId;
        this.repartitionTopics = repartitionTopics;
        this.startNanos = startNanos;
        this.fanOutsPending = fanOutsPending;
        this.source = new Stage(sourceStart, sourceEnd);
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> e : sourceEnd.entrySet()) {
            sum += Math.max(0, e.getValue() - sourceStart.get(e.getKey()));
        }
        this.total = sum;
        this.progress = new ReplayProgress(0, total, Phase.CONSUMING);
    }

    ReplayProgress progress() {
        return progress;
    }

    CaughtUp caughtUp() {
        return caughtUp;
    }

    boolean await(long nanos) throws InterruptedException {
        return caughtUpLatch.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** One measurement; logs and keeps the last progress when the broker cannot answer, so the next poll retries. */
    void poll() {
        if (caughtUp != null) {
            return;
        }
        try {
            step();
        } catch (RuntimeException e) {
            failuresSinceWarn++;
            long now = System.nanoTime();
            if (lastWarnNanos == 0 || now - lastWarnNanos >= WARN_EVERY_NANOS) {
                LOG.warn(
                        "replay of group {}: cannot measure progress ({} failed poll(s) since the last warning, "
                                + "last: {}); retrying",
                        groupId,
                        failuresSinceWarn,
                        e.toString());
                lastWarnNanos = now;
                failuresSinceWarn = 0;
            }
        }
    }

    private void step() {
        Map<TopicPartition, Long> committed = Offsets.committed(admin, groupId);
        if (repartition == null) {
            long consumed = source.advance(committed);
            if (!source.done()) {
                progress = new ReplayProgress(consumed, total, Phase.CONSUMING);
                return;
            }
            // The source is read to the captured end: what those events produced sits in the repartition topics
            // up to their end as of now.
            Map<TopicPartition, Long> end = Offsets.committedEnd(admin, Offsets.partitions(admin, repartitionTopics));
            Map<TopicPartition, Long> start = new HashMap<>();
            end.keySet().forEach(tp -> start.put(tp, 0L));
            repartition = new Stage(start, end);
            progress = new ReplayProgress(total, total, Phase.DRAINING);
            LOG.info(
                    "replay of group {}: source read to the captured end ({} records); draining {}",
                    groupId,
                    total,
                    repartitionTopics);
        }
        repartition.advance(committed);
        if (!repartition.done()) {
            return;
        }
        long pending = fanOutsPending.getAsLong();
        if (pending > 0) {
            if (!waitingLogged) {
                LOG.info(
                        "replay of group {}: events applied; waiting for the chunked fan-outs of {} task(s)",
                        groupId,
                        pending);
                waitingLogged = true;
            }
            return;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        caughtUp = new CaughtUp(total, elapsed);
        progress = new ReplayProgress(total, total, Phase.CAUGHT_UP);
        caughtUpLatch.countDown();
    }

    /** Partitions, each with a start and a target end offset, and which of them have been seen done. */
    private final class Stage {
        private final Map<TopicPartition, Long> start;
        private final Map<TopicPartition, Long> end;
        private final Set<TopicPartition> done = new HashSet<>();
        private final Map<TopicPartition, Long> lastCommitted = new HashMap<>();

        Stage(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {
            this.start = start;
            this.end = end;
        }

        /** Folds in the group's committed offsets; returns the records consumed since the start. */
        long advance(Map<TopicPartition, Long> committed) {
            Map<TopicPartition, long[]> stalled = new HashMap<>();
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                TopicPartition tp = e.getKey();
                long from = start.get(tp);
                long position = committed.getOrDefault(tp, from);
                if (done.contains(tp)) {
                    continue;
                }
                if (position >= e.getValue()) {
                    done.add(tp);
                } else if (Long.valueOf(position).equals(lastCommitted.get(tp))) {
                    stalled.put(tp, new long[] {position, e.getValue()});
                }
                lastCommitted.put(tp, position);
            }
            done.addAll(probe.emptyGaps(stalled, PROBE_TIMEOUT));
            long consumed = 0;
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                TopicPartition tp = e.getKey();
                long from = start.get(tp);
                long at = done.contains(tp) ? e.getValue() : Math.min(e.getValue(), lastCommitted.get(tp));
                consumed += Math.max(0, at - from);
            }
            return consumed;
        }

        boolean done() {
            return done.size() == end.size();
        }
    }
}
