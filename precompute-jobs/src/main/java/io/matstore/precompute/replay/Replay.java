package io.matstore.precompute.replay;

import io.matstore.precompute.PrecomputeConfig;
import io.matstore.precompute.View;
import io.matstore.precompute.ViewRunner;
import io.matstore.precompute.ViewTopology;
import io.matstore.schemas.ViewDescriptor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a version of a view from its source topics as a batch, then keeps it running live.
 *
 * <p>A replay is the view's ordinary job ({@link ViewRunner}) started under conditions: the version's consumer group
 * (its application id, one per name and version) must be new, unless the caller resumes it; the source end offsets
 * are captured when it starts; and a monitor follows the group's committed offsets, and the job's pending fan-outs,
 * until every event up to those offsets is in the view topic, chunked fan-outs included ({@link #awaitCaughtUp}).
 * The job does not stop there: it is the version's live job from then on, until {@link #close()}. Other versions of
 * the view run beside it untouched (own group, own state, own view topic), and events that keep arriving are
 * processed after the captured end like any other.
 *
 * <pre>
 * try (Replay replay = Replay.start(factory.create(config, 2), config, ReplayOptions.fromBeginning())) {
 *     replay.awaitCaughtUp(Duration.ofMinutes(5));
 *     ...                                  // v2 is complete up to the captured end and follows live events
 * }
 * </pre>
 */
public final class Replay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private final ViewDescriptor view;
    private final Map<TopicPartition, Long> start;
    private final Map<TopicPartition, Long> capturedEnd;
    private final Admin admin;
    private final EndProbe probe;
    private final ReplayMonitor monitor;
    private final ReplayMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final ViewRunner.Running job;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Replay(
            ViewDescriptor view,
            Map<TopicPartition, Long> start,
            Map<TopicPartition, Long> capturedEnd,
            Admin admin,
            EndProbe probe,
            ReplayMonitor monitor,
            ViewRunner.Running job,
            Duration poll) {
        this.view = view;
        this.start = Map.copyOf(start);
        this.capturedEnd = Map.copyOf(capturedEnd);
        this.admin = admin;
        this.probe = probe;
        this.monitor = monitor;
        this.job = job;
        this.metrics = new ReplayMetrics(view, monitor::progress);
        this.metrics.register();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replay-monitor-" + view.name() + "-v" + view.version());
            t.setDaemon(true);
            return t;
        });
        long ms = poll.toMillis();
        scheduler.scheduleWithFixedDelay(this::poll, 0, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the replay of {@code view} (its name and version are in its descriptor) as {@code config} describes
     * the cluster and topics.
     *
     * @throws ReplayRefusedException when the version's consumer group already has committed offsets and
     *                                {@code options} does not resume: a second replay into the same group and view
     *                                topic would skip the events it already read
     */
    public static Replay start(View<?, ?> view, PrecomputeConfig config, ReplayOptions options)
            throws ReplayRefusedException {
        ViewDescriptor descriptor = view.descriptor();
        String group = ViewTopology.applicationId(descriptor);
        ViewRunner.ensureTopics(view, config);
        Admin admin = Admin.create(config.clientProperties());
        EndProbe probe = null;
        try {
            Map<TopicPartition, Long> committed = Offsets.committed(admin, group);
            if (!committed.isEmpty() && !options.resume()) {
                TreeSet<String> topics = new TreeSet<>();
                committed.keySet().forEach(tp -> topics.add(tp.topic()));
                throw new ReplayRefusedException("view " + descriptor.name() + " v" + descriptor.version()
                        + " was started before: its consumer group " + group + " has committed offsets on "
                        + committed.size() + " partition(s) of " + topics + ". Resume it (--resume), or delete the "
                        + "group and the topic " + descriptor.topic() + " to rebuild it from scratch.");
            }
            probe = new EndProbe(config.clientProperties());
            if (committed.isEmpty() && !options.resume()) {
                refuseWrittenViewTopic(admin, probe, descriptor, group);
            }
            List<TopicPartition> partitions = Offsets.partitions(admin, view.sourceTopics());
            long startNanos = System.nanoTime();
            Map<TopicPartition, Long> end = Offsets.committedEnd(admin, partitions);
            Map<TopicPartition, Long> from = startOffsets(admin, group, partitions, end, committed, options);
            ViewRunner.Running job = ViewRunner.start(view, config);
            ReplayMonitor monitor = new ReplayMonitor(
                    admin,
                    probe,
                    group,
                    ViewTopology.repartitionTopics(descriptor),
                    from,
                    end,
                    startNanos,
                    job.counters()::fanOutsPending);
            LOG.info(
                    "replay of view {} (group {}) {}: {} records to the captured end {}",
                    descriptor,
                    group,
                    options.fromTimestamp() == null
                            ? (committed.isEmpty() ? "from the beginning" : "resumed")
                            : "from " + options.fromTimestamp(),
                    monitor.progress().total(),
                    end);
            return new Replay(descriptor, from, end, admin, probe, monitor, job, options.pollInterval());
        } catch (ReplayRefusedException | RuntimeException e) {
            if (probe != null) {
                probe.close();
            }
            admin.close();
            throw e;
        }
    }

    /**
     * A fresh replay must start from an empty view topic: a key written by an earlier build (whose group was deleted
     * but not its topic) and not by this one would stay in the compacted topic, and serving nodes would load it.
     */
    private static void refuseWrittenViewTopic(Admin admin, EndProbe probe, ViewDescriptor descriptor, String group)
            throws ReplayRefusedException {
        List<TopicPartition> viewPartitions = Offsets.partitions(admin, List.of(descriptor.topic()));
        Map<TopicPartition, Long> earliest = Offsets.earliest(admin, viewPartitions);
        Map<TopicPartition, Long> latest = Offsets.committedEnd(admin, viewPartitions);
        Map<TopicPartition, long[]> spans = new HashMap<>();
        for (TopicPartition tp : viewPartitions) {
            if (latest.get(tp) > earliest.get(tp)) {
                spans.put(tp, new long[] {earliest.get(tp), latest.get(tp)});
            }
        }
        // Only committed records count: an earlier attempt killed in its first transaction leaves aborted ones.
        spans.keySet().removeAll(probe.emptyGaps(spans, Duration.ofSeconds(10)));
        if (!spans.isEmpty()) {
            throw new ReplayRefusedException("view " + descriptor.name() + " v" + descriptor.version()
                    + " has no consumer group " + group + " but its topic " + descriptor.topic() + " already holds"
                    + " committed records (" + spans.size() + " partition(s)) from an earlier build: keys that build"
                    + " wrote and this one does not would stay. Delete the topic (and the job's internal topics and"
                    + " state) to rebuild it from scratch, or pick another version.");
        }
    }

    /**
     * Where each source partition starts: the group's committed offset when resuming, the earliest offset for a
     * replay from the beginning, or the first offset at or after the timestamp, written as the group's committed
     * offsets so the job starts there (a partition with nothing that late starts at its captured end).
     */
    private static Map<TopicPartition, Long> startOffsets(
            Admin admin,
            String group,
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> end,
            Map<TopicPartition, Long> committed,
            ReplayOptions options) {
        Map<TopicPartition, Long> earliest = Offsets.earliest(admin, partitions);
        Map<TopicPartition, Long> from = new HashMap<>();
        if (options.fromTimestamp() != null) {
            Map<TopicPartition, Long> at = Offsets.forTimestamp(
                    admin, partitions, options.fromTimestamp().toEpochMilli());
            for (TopicPartition tp : partitions) {
                long offset = at.getOrDefault(tp, -1L);
                from.put(tp, offset < 0 ? end.get(tp) : offset);
            }
            Offsets.setCommitted(admin, group, from);
            return from;
        }
        for (TopicPartition tp : partitions) {
            from.put(tp, Math.max(earliest.get(tp), committed.getOrDefault(tp, earliest.get(tp))));
        }
        return from;
    }

    private void poll() {
        monitor.poll();
        CaughtUp done = monitor.caughtUp();
        if (done != null) {
            LOG.info(
                    "replay of view {} reached the captured end: {} records in {} ms ({} records/s); continuing live",
                    view,
                    done.records(),
                    done.elapsed().toMillis(),
                    Math.round(done.recordsPerSecond()));
            scheduler.shutdown();
        }
    }

    public ViewDescriptor view() {
        return view;
    }

    /** The source offsets the replay started from, per partition. */
    public Map<TopicPartition, Long> startOffsets() {
        return start;
    }

    /** The source end offsets captured at the start (read_committed: last stable offsets), per partition. */
    public Map<TopicPartition, Long> capturedEnd() {
        return capturedEnd;
    }

    /** The latest measurement, at most one poll interval old. */
    public ReplayProgress progress() {
        return monitor.progress();
    }

    /** When the replay reached the captured end, once it has. */
    public Optional<CaughtUp> caughtUp() {
        return Optional.ofNullable(monitor.caughtUp());
    }

    /**
     * Waits until every event up to the captured end is in the view topic, the whole of each chunked fan-out
     * included.
     *
     * @return {@code false} when {@code timeout} passed first
     * @throws IllegalStateException when the job stopped (e.g. failed) before catching up
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (monitor.await(Math.min(Math.max(left, 0), TimeUnit.MILLISECONDS.toNanos(100)))) {
                return true;
            }
            KafkaStreams.State state = job.streams().state();
            if (state == KafkaStreams.State.ERROR
                    || !state.isRunningOrRebalancing() && state != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("the job of view " + view + " is " + state + " before reaching the "
                        + "captured end (" + progress() + "); see its log");
            }
            if (left <= 0) {
                return false;
            }
        }
    }

    /** The running job of the version, for its state and counters. */
    public ViewRunner.Running job() {
        return job;
    }

    /** Stops the job and the monitor, and removes the JMX bean. Idempotent (a shutdown hook may close it too). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        job.close();
        metrics.unregister();
        probe.close();
        admin.close();
    }
}
